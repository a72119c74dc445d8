import t from 'tap'
import { RULE_CODES, type RuleCode, type Verdict } from '../src/policy/types.js'
import { TASK_FIXTURES, type TaskFixture } from './fixtures/tasks.js'
import { build, type Harness } from './helper.js'

// Every acceptance fixture goes through the real HTTP API: the department that
// issues it creates and submits it in one call, and the stored task must land in
// the state the rules give, with findings that explain themselves.

/** Each rule's verdict, written out here rather than read from the engine. */
const DOMAIN_VERDICT: Record<RuleCode, Verdict> = {
  economic_target: 'reject',
  unverifiable_certificate: 'reject',
  not_responsible_subject: 'reject',
  separate_assessment: 'reject',
  organization_or_plaque: 'reject',
  ledger_or_stamp: 'escalate',
  funding_required: 'return',
  authority_required: 'return',
  legal_basis_required: 'return',
  catalog_match: 'admit',
  not_in_catalog: 'escalate',
  suspected_misdeclaration: 'escalate',
  application_lead_time: 'return'
}
const SEVERITY: Record<Verdict, number> = { admit: 0, escalate: 1, return: 2, reject: 3 }
const STATE_OF: Record<Verdict, string> = { admit: 'admitted', return: 'returned', escalate: 'escalated', reject: 'rejected' }
const OUTCOMES: Verdict[] = ['admit', 'return', 'escalate', 'reject']

interface Finding {
  rule: string
  verdict: string
  message: { zh: string; en: string }
  evidence: Array<{ field: string }>
  citations: Array<{ source: string; title: string; issuer: string; section: string }>
}
interface TaskView {
  state: string
  screening: { outcome: string; findings: Finding[] } | null
}

async function submit(h: Harness, f: TaskFixture): Promise<{ status: number; body: string; task: TaskView }> {
  const res = await h.app.inject({
    method: 'POST',
    url: '/v1/tasks',
    headers: h.auth('department', f.department),
    payload: { ...f.task, submit: true }
  })
  return { status: res.statusCode, body: res.body, task: res.json() as TaskView }
}

for (const outcome of OUTCOMES) {
  const group = TASK_FIXTURES.filter((f) => f.expect.outcome === outcome)
  t.test(`fixtures expected to ${outcome} (${group.length})`, async (t) => {
    const h = await build(t)
    // The pack's sources table, as the public reads it: what every citation must name.
    const listed: Array<{ id: string; title: string; issuer: string }> = (await h.app.inject({ method: 'GET', url: '/v1/catalogs' })).json().sources
    const sources = new Map(listed.map((s) => [s.id, { title: s.title, issuer: s.issuer }]))
    for (const f of group) {
      await t.test(f.name, async (t) => {
        const { status, body, task } = await submit(h, f)
        t.equal(status, 201, body)
        if (status !== 201) return
        const findings = task.screening?.findings ?? []
        const fired = findings.map((x) => x.rule)
        const context = { department: f.department, outcome: task.screening?.outcome, fired }
        t.equal(task.state, STATE_OF[outcome], `state is ${STATE_OF[outcome]}`, context)
        t.equal(task.screening?.outcome, outcome, `outcome is ${outcome}`, context)
        for (const rule of f.expect.rules) t.ok(fired.includes(rule), `${rule} is among the findings`, context)
        for (const rule of f.expect.absent ?? []) t.notOk(fired.includes(rule), `${rule} is not among the findings`, context)
        for (const x of findings) {
          t.equal(x.verdict, DOMAIN_VERDICT[x.rule as RuleCode], `${x.rule} carries its verdict`)
          t.ok(typeof x.message?.zh === 'string' && /[\u4e00-\u9fff]/.test(x.message.zh), `${x.rule} has a Chinese message`)
          t.ok(typeof x.message?.en === 'string' && x.message.en.length > 0, `${x.rule} has an English message`)
          t.ok(Array.isArray(x.evidence) && x.evidence.length > 0, `${x.rule} names its evidence`)
          t.ok(x.evidence.every((e) => typeof e.field === 'string' && e.field.length > 0), `${x.rule} evidence names fields`)
          t.ok(x.citations.length > 0, `${x.rule} cites a document`)
          for (const c of x.citations) {
            t.same(sources.get(c.source), { title: c.title, issuer: c.issuer }, `${x.rule} cites ${c.title} ${c.section}, a document of the pack`)
            t.ok(c.section.length > 0, `${x.rule} names the section of ${c.source}`)
          }
          t.notMatch(JSON.stringify(x.citations), /\.txt\b/, `${x.rule} names no file`)
        }
      })
    }
  })
}

t.test('the fixture set covers every outcome and every rule, and consistently', async (t) => {
  const names = TASK_FIXTURES.map((f) => f.name)
  t.equal(new Set(names).size, names.length, 'fixture names are unique')
  t.ok(TASK_FIXTURES.length >= 44, `at least 44 fixtures (${TASK_FIXTURES.length})`)
  for (const outcome of OUTCOMES) {
    const n = TASK_FIXTURES.filter((f) => f.expect.outcome === outcome).length
    t.ok(n >= 8, `${outcome}: ${n} fixtures (at least 8)`)
  }
  for (const rule of RULE_CODES) {
    const n = TASK_FIXTURES.filter((f) => f.expect.rules.includes(rule)).length
    t.ok(n >= 2, `${rule} is expected by ${n} fixtures (at least 2)`)
  }
  for (const f of TASK_FIXTURES) {
    const worst = f.expect.rules.reduce<Verdict>((w, r) => (SEVERITY[DOMAIN_VERDICT[r]] > SEVERITY[w] ? DOMAIN_VERDICT[r] : w), 'admit')
    t.equal(worst, f.expect.outcome, `${f.name}: the expected rules add up to the expected outcome`)
    t.notOk(
      (f.expect.absent ?? []).some((r) => f.expect.rules.includes(r)),
      `${f.name}: no rule is both expected and absent`
    )
    // Only the late applications start within 30 working days of the suite's fixed date.
    const late = f.expect.rules.includes('application_lead_time')
    t.equal(f.task.period.start.startsWith('2027-'), !late, `${f.name}: starts ${late ? 'too soon' : 'in 2027'}`)
  }

  // Whatever else goes wrong, nothing the domain does not admit may end up admitted.
  const h = await build(t)
  const admittedWrongly: string[] = []
  for (const f of TASK_FIXTURES.filter((x) => x.expect.outcome !== 'admit')) {
    const { status, task } = await submit(h, f)
    if (status === 201 && task.state === 'admitted') admittedWrongly.push(f.name)
  }
  t.same(admittedWrongly, [], 'no fixture expected to return, escalate or reject is admitted')
})
