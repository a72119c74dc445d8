import fc from 'fast-check'
import t from 'tap'
import { fold } from '../src/policy/fold.js'
import { familiesOf, scanText, spans, type TextHit } from '../src/policy/lexicon.js'
import { DEFAULT_PACK } from '../src/policy/pack.js'
import type { LegacyLexiconEntry, LexiconFamily } from '../src/policy/types.js'

const lexicon = DEFAULT_PACK.lexicon
const cues = DEFAULT_PACK.cues!
const negative = DEFAULT_PACK.levels.community.negative
const scan = (texts: Record<string, string>, families: ReadonlyArray<LexiconFamily | LegacyLexiconEntry> = lexicon): TextHit[] =>
  scanText(families, cues, negative, texts)
const strong = (text: string) => scan({ description: text }).filter((h) => h.strength === 'strong')

const terms = (lexicon as LexiconFamily[]).flatMap((f) => [...(f.names ?? []), ...(f.objects ?? []), ...(f.hints ?? []), ...(f.innocent ?? [])])
const cueWords = Object.values(cues).flat()
// Characters that change under folding or vanish: full width, traditional, ligatures, spaces, separators, invisibles, astral, lone surrogates.
const awkward = [...'ＧＤＰGDP gdp\u200b\u00ad\u3000\n\t①㈱ﬁ，（）：Ａ𠀀😀\ud800\udc00稅務臺賬·-_…“”《》'] 
const piece = fc.oneof(
  fc.constantFrom(...terms.flatMap((p) => p.split('…'))),
  fc.constantFrom(...cueWords.flatMap((p) => p.split('…'))),
  fc.constantFrom(...awkward),
  fc.string({ maxLength: 3 }),
  fc.string({ unit: 'binary', maxLength: 2 })
)
const text = fc.array(piece, { maxLength: 30 }).map((a) => a.join(''))

t.test('folding: what a term looks like however it is dressed, and the way back to the original', async (t) => {
  const cases: Array<[string, string]> = [
    ['招·商·引·资', '招商引资'],
    ['招-商_引 资', '招商引资'],
    ['招 — 商 ＿ 引・资', '招商引资'],
    ['完成稅收任務，臺賬', '完成税收任务,台账'],
    ['ＧＤＰ ５００万元', 'gdp500万元'],
    ['G D P', 'gdp'],
    ['zhāo shāng YÍN zī', 'zhaoshangyinzi'],
    ['2026-12-01 a/b 3.5', '2026-12-01a/b3.5'],
    ['招商。引资', '招商。引资']
  ]
  for (const [raw, folded] of cases) t.equal(fold(raw).text, folded, raw)
  fc.assert(
    fc.property(text, (raw) => {
      const { text, from, to } = fold(raw)
      t.equal(from.length, text.length)
      t.equal(to.length, text.length)
      for (let i = 0; i < text.length; i++) {
        t.ok(from[i]! < to[i]! && to[i]! <= raw.length, 'each folded unit comes from a piece of the original')
        if (i > 0) t.ok(from[i]! >= from[i - 1]!, 'in order')
      }
    }),
    { numRuns: 1500, seed: 20261201 }
  )
})

t.test('every hit quotes the original at its offsets, on any input', async (t) => {
  fc.assert(
    fc.property(text, text, (title, description) => {
      const texts = { title, description }
      for (const h of scan(texts)) {
        t.equal(texts[h.field as 'title' | 'description'].slice(h.start, h.end), h.match)
        t.ok(h.strength === 'strong' ? h.reading === 'assigned' || h.reading === 'named' : h.reading === 'mentioned' || h.reading === 'alone')
      }
    }),
    { numRuns: 1500, seed: 20261202 }
  )
})

t.test('an assignment is strong; the same words negated, warned about or publicised are not', async (t) => {
  const assigned = [
    '社区须完成招商引资任务300万元',
    '各社区完成本年度辖区内固定资产投资总额不低于3000万元',
    '请社区负责对流动摊贩罚款',
    '社区统一悬挂“妇女之家”等牌子',
    '各社区要开展评比并通报排名',
    '请社区为居民开具无犯罪记录证明',
    '不得推诿，社区须完成招商引资任务200万元',
    '严禁形式主义，完成招商引资任务300万元'
  ]
  for (const sentence of assigned) t.ok(strong(sentence).length > 0, sentence)
  const honest = [
    '严禁向社区下达招商引资任务，本任务仅为入户走访',
    '严禁以任何名义，向社区下达招商引资任务',
    '社区招商引资任务一律取消',
    '提醒居民警惕推销商业保险诈骗',
    '宣传取消协税护税的政策',
    '社区不作为拆违的责任主体',
    '本次走访不打分、不排名、不通报',
    '不再要求社区开具无犯罪记录证明',
    '做好税收政策宣传，不涉及税收任务'
  ]
  for (const sentence of honest) t.same(strong(sentence), [], sentence)
  t.same(scan({ description: '严禁向社区下达招商引资任务' }), [], 'a negated name gives no hit at all')
})

t.test('how a sentence reports, quotes, lists and recalls', async (t) => {
  t.same(strong('过去要求社区承担招商引资任务，现已全部取消'), [], 'abolished in the clause after')
  t.ok(strong('社区承担招商引资任务，现请各社区抓紧落实').length > 0, 'a report clause that abolishes nothing')
  t.same(strong('婚姻状况证明请到民政局婚姻登记处开具'), [], 'issued somewhere else')
  t.ok(strong('婚姻状况证明由社区开具').length > 0, 'issued by the community')
  t.same(strong('根据《关于完成投资额5000万元的通知》'), [], 'an object inside a title is the title’s subject')
  const titled = scan({ description: '根据《关于下达招商引资任务的通知》' })
  t.ok(titled.length > 0 && titled.every((h) => h.strength === 'weak' && h.reading === 'mentioned'), 'a name inside a title is worth a look, no more')
  const publicised = scan({ description: `宣传${'招商引资、'.repeat(12)}的危害` })
  t.ok(publicised.length > 0 && publicised.length <= 8, 'a text repeating a term keeps a few spans, not all')
  t.ok(publicised.every((h) => h.strength === 'weak'))
  const { elsewhere: _elsewhere, ...older } = cues
  t.ok(scanText(lexicon, older, negative, { description: '请社区完成招商引资任务' }).some((h) => h.strength === 'strong'), 'cues without the newer lists still read')
})

t.test('evidence spans the assignment: from its verb to its quota', async (t) => {
  const raw = '社区须完成 固定资产投资 5000万元'
  const [hit] = strong(raw)
  t.equal(hit?.match, '完成 固定资产投资 5000万元')
  t.equal(hit?.reading, 'assigned')
  const spaced = strong('各社区须完成招·商·引·资')
  t.equal(spaced[0]?.match, '完成招·商·引·资', 'a name with its verb')
})

t.test('pinyin of names and objects is derived from the Chinese terms', async (t) => {
  t.ok(strong('shequ xu wancheng zhao shang yin zi renwu').some((h) => h.category === 'economic_target'))
  t.ok(strong('Shequ fuze kaiju wu fanzui jilu zhengming').some((h) => h.category === 'unverifiable_certificate'))
})

t.test('packs stored before families still read: strong terms as names, weak as hints', async (t) => {
  const legacy: LegacyLexiconEntry[] = [
    { category: 'economic_target', term: '招商', strength: 'weak', innocent: ['招商银行'] },
    { category: 'ledger_or_stamp', term: '台账', strength: 'strong' }
  ]
  t.same(familiesOf(legacy), [
    { category: 'economic_target', assignedBy: 'verb', names: [], hints: ['招商'], innocent: ['招商银行'] },
    { category: 'ledger_or_stamp', assignedBy: 'verb', names: ['台账'], hints: [], innocent: [] }
  ])
  t.same(
    scan({ title: '招商招商银行。台账' }, legacy).map((h) => [h.category, h.strength, h.start]),
    [
      ['economic_target', 'weak', 0],
      ['ledger_or_stamp', 'strong', 7]
    ]
  )
  t.equal(familiesOf(lexicon), lexicon, 'families pass through as they are')
})

t.test('a pack family may hold names only; a pinyin too short to tell from English is not derived', async (t) => {
  const own: LexiconFamily[] = [{ category: 'economic_target', assignedBy: 'verb', names: ['阿姨', '招商引资'] }]
  t.same(scan({ title: '阿姨 ayi zhaoshangyinzi' }, own).map((h) => h.match), ['阿姨', 'zhaoshangyinzi'], '"ayi" is three letters: no pinyin form')
  t.same(familiesOf([]), [], 'an empty lexicon is an empty list of families')
})

t.test('spans keeps its gapped matching', async (t) => {
  t.same(spans('成立社区老龄工作领导小组', '成立…领导小组'), [[0, 12]])
  t.same(spans('成立领导小组', '成立…领导小组'), [[0, 6]])
  t.same(spans('成立一二三四五六七八九十甲乙丙领导小组', '成立…领导小组'), [], 'parts too far apart')
  t.same(spans('成立', '成立…领导小组'), [], 'a later part missing')
  t.same(spans('无犯罪证明，无犯罪记录证明', '无犯罪…证明', 4), [
    [0, 5],
    [6, 13]
  ])
})

t.test('a term with an empty part is refused, not searched for ever', async (t) => {
  t.throws(() => spans('社区', '…证明'), /empty part/)
  const bad: LexiconFamily[] = [{ category: 'economic_target', assignedBy: 'verb', hints: ['招商'], innocent: [' …银行'] }]
  t.throws(() => scan({ title: '招商' }, bad), /empty part/)
})
