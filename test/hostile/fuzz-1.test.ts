import { fuzzShard } from './fuzz.js'

// Half of the document's operations (see fuzz.ts); the other half is fuzz-2.test.ts.
fuzzShard(0, 2)
