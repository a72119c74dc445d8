import { fuzzShard } from './fuzz.js'

// Half of the document's operations (see fuzz.ts); the other half is fuzz-1.test.ts.
fuzzShard(1, 2)
