import { readFileSync } from 'node:fs'
import t from 'tap'
import { RULES } from '../src/policy/rules.js'
import { BUILT_IN_SOURCES, SOURCES, type SourceId } from '../src/policy/sources.js'
import { RULE_CODES } from '../src/policy/types.js'

// docs/rules.md is the project's own account of the rules for officials. It is written by hand,
// so this holds it to the code: a rule or a source added, or a rule's documents changed, without
// the page saying so fails here.

const page = readFileSync(new URL('../docs/rules.md', import.meta.url), 'utf8')

/** The part of the page about one rule: from its heading to the next heading. */
function section(code: string): string | undefined {
  const start = page.indexOf(`### \`${code}\``)
  if (start < 0) return undefined
  const end = page.indexOf('\n#', start + 1)
  return page.slice(start, end < 0 ? undefined : end)
}

t.test('every rule has its section, with its verdict and every document it rests on, by title and section', async (t) => {
  for (const code of RULE_CODES) {
    const text = section(code)
    t.ok(text, `${code} has a section`)
    if (text === undefined) continue
    t.match(text, `（${RULES[code].verdict}）`, `${code}: its verdict`)
    for (const c of RULES[code].citations) {
      const { title } = SOURCES[c.source as SourceId]
      t.ok(text.includes(title) && text.includes(c.section), `${code}: ${title} ${c.section}`)
    }
  }
})

t.test('the sources table lists every built-in source as the code has it', async (t) => {
  for (const s of BUILT_IN_SOURCES) {
    const row = page.split('\n').find((line) => line.startsWith(`| \`${s.id}\` |`))
    t.ok(row, `${s.id} has a row`)
    const cells = (row ?? '').split('|').slice(2, -1).map((c) => c.trim())
    t.same(cells, [s.title, s.issuer, s.date, s.number ?? '', s.published, s.note ?? ''], `${s.id}: title, issuer, date, number, where published, note`)
  }
})
