/**
 * The two languages the API speaks. Its users are Chinese officials, community staff and the
 * integrators who build for them: every finding and every problem carries its text in both,
 * so that a client never has to translate what the server said.
 */
export interface Bilingual {
  readonly zh: string
  readonly en: string
}

export type Language = keyof Bilingual

/** What Content-Language says of each: the Chinese is written in simplified characters for the mainland. */
export const CONTENT_LANGUAGE: Record<Language, string> = { zh: 'zh-CN', en: 'en' }

/**
 * The language a client asks for with Accept-Language (RFC 9110 §12.5.4): of the ranges it
 * names that the API speaks, the one it weighs highest, the first of equals; any Chinese
 * (zh, zh-CN, zh-Hans, zh-TW…) reads the Chinese, since it is the only Chinese there is.
 * English when it names neither, as for a client that sends no header at all.
 */
export function preferredLanguage(header: string | undefined): Language {
  let best: Language = 'en'
  let bestWeight = 0
  for (const entry of (header ?? '').toLowerCase().split(',')) {
    const [range, ...params] = entry.split(';').map((s) => s.trim())
    const language = range === 'zh' || range!.startsWith('zh-') ? 'zh' : range === 'en' || range!.startsWith('en-') ? 'en' : null
    if (language === null) continue
    const q = params.find((p) => p.startsWith('q='))
    // A weight that is not one (q=high) makes the range unusable rather than preferred.
    const weight = q === undefined ? 1 : /^q=(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(q) ? Number(q.slice(2)) : 0
    if (weight > bestWeight) [best, bestWeight] = [language, weight]
  }
  return best
}

/** "a or b", "a、b或c": a list of alternatives as each language writes one. */
export function alternatives(items: readonly string[]): Bilingual {
  const zh = items.length < 2 ? items.join('') : `${items.slice(0, -1).join('、')}或${items.at(-1)}`
  return { zh, en: items.join(' or ') }
}
