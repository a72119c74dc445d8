import { Type, type Static } from 'typebox'
import { EXCLUDED_CATEGORIES, RULE_CODES, TASK_KINDS, type PolicyPack } from './types.js'

// The policy pack as a city writes it: one TypeBox definition is the runtime validator
// (src/policy/pack-validation.ts), the body of POST /v1/policy-packs in the OpenAPI document
// (components.schemas.PolicyPack) and the JSON Schema shipped as openapi/policy-pack.schema.json.
// What a schema cannot say (codes unique in a level, sectors that exist, calendar days inside the
// calendar's years) is checked after it, each error with the path of what is wrong.

const text = (description: string, maxLength = 2000) => Type.String({ minLength: 1, maxLength, description })
const list = <T extends Parameters<typeof Type.Array>[0]>(items: T, description: string, maxItems = 2000) => Type.Array(items, { maxItems, description })
const words = (description: string) => list(text('a word or phrase', 200), description, 500)

/** A code of the city's own numbering: AT-07, 协-7, 2027-社区-12 all do. */
const Code = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^\\S(.*\\S)?$',
  description: 'the item’s code in the city’s own numbering (AT-07, 协-7, 2027-社区-12): unique within its target level across the four lists, no leading or trailing space'
})

const Bilingual = (description: string) => Type.Object({ zh: text('simplified Chinese', 200), en: text('English', 200) }, { additionalProperties: false, description })

const FundingStandard = Type.Object(
  {
    yuan: Type.Number({ minimum: 0, maximum: 1e9, description: 'the amount in yuan' }),
    per: Type.Enum(['target', 'household', 'unit'], { description: 'per target (a community or street), per household the work reaches, or per unit of the work' }),
    unit: Type.Optional(text('the unit when `per` is unit (普查小区); required then', 100)),
    source: text('the document that sets the amount, by title and section')
  },
  { additionalProperties: false, description: 'what a unit of the work is funded at, and which document says so' }
)

const CatalogItem = Type.Object(
  {
    code: Code,
    name: text('the item as the list names it', 500),
    sector: Type.String({ minLength: 1, maxLength: 64, description: 'the sector code (of `sectors`) of the departments that may claim the item' }),
    responsibleDepartment: text('the department responsible', 200),
    legalBasis: text('the laws and rules the item rests on'),
    fundingRequired: Type.Boolean({ description: 'assisted items must carry funding (费随事转); lawful duties need none' }),
    fundingStandard: Type.Optional(FundingStandard),
    fundingMinimum: Type.Optional(Type.Number({ minimum: 0, maximum: 1e9, description: 'packs before 2026.3: yuan per target; prefer fundingStandard' })),
    population: Type.Optional(text('the population the item is about (流动人口, 残疾人): it covers their registration, surveys and data updates too', 100)),
    source: text('where the item comes from: a list’s document, or the leading group’s decision that added it'),
    kinds: Type.Optional(Type.Array(Type.Enum(TASK_KINDS), { minItems: 1, uniqueItems: true, description: 'the kinds of work the item is; service and other when absent' })),
    titles: Type.Optional(list(text('a task title', 200), 'titles of tasks a leading group approved as this item: an identical submission is this item', 200)),
    jurisdiction: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'the city or district whose group added the item: only its departments may claim it by title' }))
  },
  { additionalProperties: false }
)

const CertificateItem = Type.Object(
  {
    code: Code,
    name: text('the certificate', 500),
    keywords: Type.Array(text('a term', 100), { minItems: 1, maxItems: 100, description: 'terms whose presence in a certificate name identifies this item' }),
    legalBasis: text('the laws and rules the certificate rests on'),
    source: text('where the item comes from')
  },
  { additionalProperties: false }
)

const NegativeItem = Type.Object(
  {
    code: Code,
    name: text('the excluded work', 500),
    rule: Type.Enum(EXCLUDED_CATEGORIES, { description: 'the rule a match on this item fires' }),
    keywords: Type.Array(text('a term', 100), { minItems: 1, maxItems: 100, description: 'terms whose presence in a certificate name or claim identifies this item' }),
    exceptions: Type.Optional(list(text('a phrase', 200), 'phrases that contain a keyword but mean something allowed', 100)),
    source: text('where the item comes from')
  },
  { additionalProperties: false }
)

const LevelCatalogs = Type.Object(
  {
    lawful_duties: list(CatalogItem, '依法履行职责事项: the community’s or street’s own duties'),
    assisted_tasks: list(CatalogItem, '协助政府工作事项: work it assists government with, funded (费随事转)'),
    certificates: list(CertificateItem, 'certificates it may issue'),
    negative: list(NegativeItem, 'excluded work (负面清单)')
  },
  { additionalProperties: false }
)

const LexiconFamily = Type.Object(
  {
    category: Type.Enum(EXCLUDED_CATEGORIES),
    names: Type.Optional(words('the excluded thing by its own name (招商引资): an un-negated name assigns it')),
    objects: Type.Optional(words('work that is excluded when the task assigns it (投资额, 罚款, 排名)')),
    assignedBy: Type.Enum(['verb', 'quota', 'verb-or-quota'], { description: 'what assigns an object: a verb of the family before it, a quota after it, or either' }),
    hints: Type.Optional(words('words that only suggest the category: never more than a look by a person')),
    verbs: Type.Optional(words('verbs that assign the family’s objects')),
    innocent: Type.Optional(words('phrases that contain a term but mean allowed work: they mask it')),
    english: Type.Optional(
      Type.Object({ names: Type.Optional(words('English names')), objects: Type.Optional(words('English objects')), hints: Type.Optional(words('English hints')) }, { additionalProperties: false })
    )
  },
  { additionalProperties: false, description: 'one excluded category’s words; how a sentence uses them decides' }
)

const LegacyLexiconEntry = Type.Object(
  {
    category: Type.Enum(EXCLUDED_CATEGORIES),
    term: text('the term', 100),
    strength: Type.Enum(['strong', 'weak']),
    innocent: Type.Optional(words('phrases that mask the term'))
  },
  { additionalProperties: false, description: 'a lexicon entry of packs before 2026.3, kept so that their decisions can be re-explained' }
)

const LexiconCues = Type.Object(
  {
    negation: words('严禁, 不得, 取消 … before a term'),
    negationAfter: words('一律取消, 诈骗 … after a term'),
    mention: words('宣传, 提醒, 协助 … before a term: the community speaks about it'),
    mentionAfter: words('宣传, 政策 … right after a term'),
    obligation: words('须, 必须, 要求 …'),
    quota: words('任务, 指标, 不少于 … after an object'),
    unit: words('万元, 家, 户 … after a number that follows an object'),
    dangling: words('名义, 形式 … ending a negated clause that only sets the manner'),
    elsewhere: Type.Optional(words('由…局负责 …: the work is someone else’s'))
  },
  { additionalProperties: false, description: 'the words that say how a sentence uses a term; packs without them are read with the default pack’s' }
)

/** A civil day as YYYY-MM-DD; whether it exists (no 2027-02-30) is checked after the schema. */
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD, in a year the calendar’s sources list' })

const CalendarDay = Type.Object({ date: Day, name: text('the holiday', 100) }, { additionalProperties: false })

const WorkingCalendar = Type.Object(
  {
    holidays: list(CalendarDay, 'every day of every holiday block (法定节假日), weekend days inside the block included'),
    makeUpWorkdays: list(CalendarDay, 'the Saturdays and Sundays worked instead (调休上班日)', 200),
    sources: Type.Array(
      Type.Object(
        {
          year: Type.Integer({ minimum: 2000, maximum: 2200 }),
          source: text('the State Council notice (国务院办公厅关于XXXX年部分节假日安排的通知) the year’s days are taken from, or how they were estimated'),
          provisional: Type.Boolean({ description: 'an estimate, to be replaced by the official notice once published' })
        },
        { additionalProperties: false }
      ),
      {
        minItems: 1,
        maxItems: 100,
        description:
          'the years the calendar covers, one entry each, consecutive. The gate counts working days only inside them: a date outside them is refused with a 400 naming the field and these years, and a pack is published only if its calendar covers today'
      }
    )
  },
  { additionalProperties: false, description: 'statutory holidays and make-up working days: deadlines and lead times count working days' }
)

const WorkingDays = (description: string) => Type.Integer({ minimum: 0, maximum: 250, description: `${description}, in working days (0–250)` })

const Share = (description: string) => Type.Number({ minimum: 0, maximum: 1, description })
const Points = (description: string) => Type.Number({ minimum: 0, maximum: 100, description })

const Basis = (what: string) =>
  Type.Object(
    {
      refs: Type.Array(
        Type.Object({ source: Type.String({ minLength: 1, maxLength: 64, description: 'an id of `sources`, or of the built-in table' }), section: text('the section cited', 500) }, { additionalProperties: false }),
        { maxItems: 10 }
      ),
      note: text('what the sections say, and what is the pack’s own choice', 2000)
    },
    { additionalProperties: false, description: `where ${what} comes from` }
  )

export const EvaluationParameters = Type.Object(
  {
    period: Type.Enum(['year', 'half-year'], { description: 'a round per year ("2026") or per half-year ("2026-H1")' }),
    ratingWorkingDays: Type.Integer({ minimum: 1, maximum: 250, description: 'from the start of rating to the last day ratings are taken, in working days (1–250)' }),
    scale: Type.Union(
      [
        Type.Object(
          {
            kind: Type.Enum(['levels']),
            levels: Type.Array(
              Type.Object(
                {
                  code: Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z][a-z0-9_]*$', description: 'what a rating sends' }),
                  name: Bilingual('the level'),
                  score: Points('what the level counts for in the satisfaction score'),
                  satisfied: Type.Boolean({ description: 'whether it counts as satisfied for the satisfaction rate' })
                },
                { additionalProperties: false }
              ),
              { minItems: 2, maxItems: 10, description: 'the levels, best first; codes unique' }
            )
          },
          { additionalProperties: false }
        ),
        Type.Object(
          { kind: Type.Enum(['points']), satisfiedFrom: Points('a rating of this many points or more counts as satisfied') },
          { additionalProperties: false, description: 'whole points from 0 to 100' }
        )
      ],
      { description: 'what raters choose from' }
    ),
    satisfactionTarget: Share('the share of ratings that must be satisfied'),
    weights: Type.Object(
      {
        satisfaction: Share('the satisfaction score’s weight'),
        admission: Share('the share of decided submissions admitted'),
        burden: Share('confirmed burden reports (督查)'),
        funding: Share('unfunded tasks (费随事转)')
      },
      { additionalProperties: false, description: 'the components’ weights; the total divides by their sum, which must not be 0' }
    ),
    penalties: Type.Object(
      { confirmedBurdenReport: Points('points the burden component loses per confirmed report'), unfundedTask: Points('points the funding component loses per unfunded task, and per target whose funding arrived after the grace period') },
      { additionalProperties: false }
    ),
    basis: Type.Object(
      {
        period: Basis('the period'),
        ratingWorkingDays: Basis('the deadline'),
        scale: Basis('the scale'),
        satisfactionTarget: Basis('the target'),
        weights: Basis('the weights'),
        penalties: Basis('the penalties')
      },
      { additionalProperties: false }
    )
  },
  { additionalProperties: false, description: 'the two-way evaluation of departments (双向考评 / 倒评): rounds, the scale, and how the result is computed' }
)
const ParameterSource = Type.Object(
  { source: Type.String({ minLength: 1, maxLength: 64, description: 'an id of `sources`, or of the built-in table' }), section: text('the section cited', 200) },
  { additionalProperties: false }
)
const Threshold = (description: string) =>
  Type.Object(
    {
      numerator: Type.Integer({ minimum: 1, maximum: 100 }),
      denominator: Type.Integer({ minimum: 1, maximum: 100 }),
      inclusive: Type.Boolean({ description: 'true: at least the share (two thirds or more); false: more than it (more than half)' }),
      source: ParameterSource,
      note: Type.Optional(text('what the source does not say, where the value is as practised', 1000))
    },
    { additionalProperties: false, description }
  )
const WorkingDaysRule = (description: string) =>
  Type.Object(
    { days: WorkingDays(description), source: ParameterSource, note: Type.Optional(text('what the source does not say, where the value is as practised', 1000)) },
    { additionalProperties: false }
  )
const DeliberationParameters = Type.Object(
  {
    councilQuorum: Threshold('of the council’s sitting members, the share that must attend a council meeting'),
    councilMajority: Threshold('of the members present, the share that must vote for a motion'),
    representativesQuorum: Threshold('of the residents’ representatives called, the share that must attend'),
    representativesMajority: Threshold('of the representatives present, the share that must vote for'),
    residentsQuorum: Threshold('of the residents (households, group delegates) called, the share that must attend'),
    residentsMajority: Threshold('of the residents present, the share that must vote for'),
    noticeWorkingDays: WorkingDaysRule('how long before a meeting its notice must be given'),
    publicityWorkingDays: WorkingDaysRule('how long a published resolution or result stays in publicity (公示期)')
  },
  { additionalProperties: false, description: 'the residents’ deliberation council’s rules (议事会六步工作法); absent: the default pack’s' }
)

const PolicyParameters = Type.Object(
  {
    quorum: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'fraction of the leading group’s eligible members that must vote; the decision needs strictly more' }),
    applicationLeadWorkingDays: WorkingDays('how long before it starts a task must be applied for'),
    officeReviewWorkingDays: WorkingDays('how long the office has to pre-review an escalated task'),
    decisionWorkingDays: WorkingDays('how long the leading group has to decide'),
    fundingGraceWorkingDays: WorkingDays('after a contract starts, by when every target must have confirmed its funding'),
    communityHourlyCost: Type.Optional(
      Type.Object(
        { yuan: Type.Number({ exclusiveMinimum: 0, maximum: 10000 }), source: text('the document the cost is derived from') },
        { additionalProperties: false, description: 'the cost of an hour of community work: every funded task then needs perTarget ≥ workloadHours × yuan' }
      )
    ),
    evaluation: Type.Optional(EvaluationParameters),
    deliberation: Type.Optional(DeliberationParameters)
  },
  { additionalProperties: false }
)

const Source = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', description: 'stable: decisions store it with their citations' }),
    title: text('the document’s own title, in 《》', 500),
    issuer: text('who issued it', 200),
    date: text('as exactly as known: YYYY-MM-DD, YYYY-MM, YYYY or a span of years', 40),
    published: text('where it was published', 500),
    number: Type.Optional(text('its document number (文号)', 100)),
    note: Type.Optional(text('what is not known of it'))
  },
  { additionalProperties: false }
)

const SourceRef = Type.Object(
  { source: Type.String({ minLength: 1, maxLength: 64, description: 'an id of `sources`, or of the built-in table' }), section: text('the section cited', 200) },
  { additionalProperties: false }
)

const RuleCitations = Type.Optional(Type.Array(SourceRef, { minItems: 1, maxItems: 20 }))

/** The pack itself: what is stored, hashed and screened with. */
export const PolicyPackBody = {
  id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', description: 'the pack’s id: a city may keep zhunru-default or name its own' }),
  version: Type.String({
    minLength: 1,
    maxLength: 64,
    pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$',
    description:
      'the city’s own numbering (2027.1). Publishing a version already stored with other content publishes the next free revision of it instead (2027.1 → 2027.1-r1); a leading group’s amendment adds -a1, -a2'
  }),
  name: Bilingual('the pack’s name'),
  parameters: PolicyParameters,
  sectors: Type.Array(
    Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }), name: text('the sector', 100) }, { additionalProperties: false }),
    { maxItems: 500, description: 'sector codes of departments; an org unit’s and an item’s sector must be one of them (unique)' }
  ),
  levels: Type.Object({ community: LevelCatalogs, street: LevelCatalogs }, { additionalProperties: false, description: 'the lists, per target level' }),
  lexicon: Type.Array(
    // An entry with a `term` is of the old shape: its errors are that shape's, not both shapes' at once.
    Type.Unsafe<Static<typeof LexiconFamily> | Static<typeof LegacyLexiconEntry>>({ if: { type: 'object', properties: { term: {} }, required: ['term'] }, then: LegacyLexiconEntry, else: LexiconFamily }),
    { maxItems: 2000, description: 'families of excluded words; an entry with `term` is a lexicon entry of packs before 2026.3' }
  ),
  cues: Type.Optional(LexiconCues),
  calendar: WorkingCalendar,
  sources: Type.Optional(list(Source, 'the documents the pack cites (unique ids); an id it does not list is looked up in the built-in table', 500)),
  ruleCitations: Type.Optional(
    Type.Object(Object.fromEntries(RULE_CODES.map((r) => [r, RuleCitations])) as Record<(typeof RULE_CODES)[number], typeof RuleCitations>, {
      additionalProperties: false,
      description: 'a rule’s citations as this pack has them, replacing the built-in ones; every source named must be known'
    })
  )
}

/** The base a file was exported from: what publishing it treats as deliberate (a removal) and what it carries over (amendments since). */
export const PackBase = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    version: Type.String({ minLength: 1, maxLength: 64 }),
    hash: Type.String({ pattern: '^sha256:[0-9a-f]{64}$' })
  },
  {
    additionalProperties: false,
    description:
      'written by `zhunru pack export` and GET /v1/policy-packs/current: the stored version the file was exported from. ' +
      'Publishing carries over the items leading groups added after it; an item the base had and the file lacks is removed. ' +
      'Without it the file is read as an edit of the pack in force. Not part of the pack: it is not stored or hashed'
  }
)

export const POLICY_PACK_SCHEMA_ID = 'https://zhunru.example/schemas/policy-pack.schema.json'

export const PolicyPackFile = Type.Object(
  {
    $schema: Type.Optional(Type.String({ maxLength: 500, description: 'the JSON Schema the file follows (an editor’s hint; ignored)' })),
    base: Type.Optional(PackBase),
    ...PolicyPackBody
  },
  {
    $id: 'PolicyPack',
    additionalProperties: false,
    title: 'zhunru policy pack',
    description:
      'A city’s policy pack (政策包): its lists per target level, the rules’ parameters, the sectors of its departments, the words the gate reads, ' +
      'the working-day calendar and the documents it cites. `zhunru pack export` writes the pack in force as such a file; edit it and ' +
      '`zhunru pack validate | diff | publish` it, or POST it to /v1/policy-packs (?dryRun=true to validate and diff). ' +
      'Publishing an unchanged file stores nothing.'
  }
)

export type PolicyPackFileT = Static<typeof PolicyPackFile>

/** The file without what is not the pack (`$schema`, `base`). */
export function packOf(file: PolicyPackFileT): PolicyPack {
  const { $schema: _schema, base: _base, ...pack } = file
  return pack as unknown as PolicyPack
}

/** The JSON Schema document shipped in openapi/: the same definition, standalone. */
export function policyPackJsonSchema(): Record<string, unknown> {
  const schema = JSON.parse(JSON.stringify(PolicyPackFile)) as Record<string, unknown>
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...schema, $id: POLICY_PACK_SCHEMA_ID }
}

