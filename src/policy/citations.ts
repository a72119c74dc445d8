import { RULES } from './rules.js'
import { BUILT_IN_SOURCES } from './sources.js'
import { RULE_CODES, type Citation, type PolicyPack, type RuleCode, type Source } from './types.js'

const BUILT_IN = new Map(BUILT_IN_SOURCES.map((s) => [s.id, s]))

/** The pack's entry for a source, else the built-in one: a city pack names its own documents and may cite the reform's. */
function sourceIn(pack: PolicyPack, id: string): Source | undefined {
  return pack.sources?.find((s) => s.id === id) ?? BUILT_IN.get(id)
}

/** The sources a pack's citations may name: its own table, then the built-in entries it does not replace. */
export function sourcesOf(pack: PolicyPack): Source[] {
  const own = pack.sources ?? []
  return [...own, ...BUILT_IN_SOURCES.filter((s) => !own.some((o) => o.id === s.id))]
}

// Published packs never change, so a rule's citations are resolved once per pack object.
const resolved = new WeakMap<PolicyPack, Map<RuleCode, Citation[]>>()

/** A rule's citations as the pack has them, each with its source's title and issuer, so a stored finding reads without the pack. */
export function citationsOf(pack: PolicyPack, rule: RuleCode): Citation[] {
  let byRule = resolved.get(pack)
  if (byRule === undefined) resolved.set(pack, (byRule = new Map()))
  let citations = byRule.get(rule)
  if (citations === undefined) {
    citations = (pack.ruleCitations?.[rule] ?? RULES[rule].citations).map(({ source, section }) => {
      const named = sourceIn(pack, source)
      if (named === undefined) throw new Error(`policy pack ${pack.id} ${pack.version}: ${rule} cites source "${source}", which neither its sources nor the built-in table has`)
      return { source, title: named.title, issuer: named.issuer, section }
    })
    byRule.set(rule, citations)
  }
  return citations
}

/** Throws unless every rule's citations name a source the pack or the built-in table has: a pack must explain every finding. */
export function checkCitations(pack: PolicyPack): void {
  for (const rule of RULE_CODES) citationsOf(pack, rule)
}
