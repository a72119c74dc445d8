import t from 'tap'
import type { Page } from 'playwright-core'
import { accessible, act, chinaDay, consoleHarness } from './harness.js'

// Issue 12 in the browser: the office opens a round, a street and a community rate the
// departments on the scale the pack sets, the office closes and publishes it, the public reads
// the result with its method, and the department reads its own figures.

type Json = Record<string, any>

/** The form that rates one department, found by the department's name in its list item. */
const rating = (page: Page, department: string) => page.locator('ul.departments > li').filter({ hasText: department }).locator('form')

t.test('residents rate the departments: a round from open to published, on the levels of the pack', async (t) => {
  const h = await consoleHarness(t)
  const year = chinaDay().slice(0, 4)
  const names = new Map<string, string>(
    (await h.app.inject({ method: 'GET', url: '/v1/org-units?kind=department&limit=200' })).json().items.map((u: Json) => [u.id, u.name])
  )

  const office = await h.signIn('office.east')
  await office.getByRole('link', { name: '双向评议' }).click()
  await office.getByLabel('评议期间（如 2026 或 2026-H2）').fill(year)
  await office.getByRole('button', { name: '开启', exact: true }).click()
  await office.getByRole('heading', { name: `评议 东湖区 · ${year}` }).waitFor()
  const roundId = office.url().split('/').pop()!
  const round = (await h.app.inject({ method: 'GET', url: `/v1/evaluations/${roundId}`, headers: h.auth('office', 'east', 'office.east') })).json()
  t.ok(round.departments.includes('east-civil'), 'the district’s own departments are listed')
  for (const d of round.departments) t.match(await office.locator('ul.departments').innerText(), names.get(d)!, `${d} is listed by its name`)
  await act(office, '开始评议')
  await office.locator('article .badge', { hasText: '评议中' }).waitFor()
  await accessible(t, office, 'the office’s round')

  const civil = names.get('east-civil')!
  const housing = names.get(round.departments.find((d: string) => d !== 'east-civil'))!

  // The community: the pack's four levels in words, what each counts for, and its own rating shown back.
  const community = await h.signIn('east-s1-c1.staff')
  await community.getByRole('link', { name: '评议部门' }).click()
  await community.getByRole('link', { name: `东湖区 · ${year}` }).click()
  await community.locator('#scale-note').waitFor()
  t.match(await community.locator('#scale-note').innerText(), /满意 100分（计为满意）.*不满意 0分/, 'the scale in words, with the scores')
  const form = rating(community, civil)
  t.same(
    await form.getByLabel('评价').locator('option').allInnerTexts(),
    ['请选择', '满意', '基本满意', '不太满意', '不满意'],
    'the levels the round’s pack sets'
  )
  // Nothing chosen: the refusal is shown next to the field.
  await form.getByRole('button', { name: '提交评价' }).click()
  await form.locator('.field-error').waitFor()
  await form.getByLabel('评价').selectOption({ label: '不太满意' })
  await form.getByLabel('意见（可选）').fill('台账要求仍偏多。')
  await form.getByRole('button', { name: '提交评价' }).click()
  await form.getByRole('status').filter({ hasText: '已评：不太满意' }).waitFor()
  // A second rating replaces the first while the round is rating.
  await form.getByLabel('评价').selectOption({ label: '满意' })
  await form.getByRole('button', { name: '修改评价' }).click()
  await form.getByRole('status').filter({ hasText: '已评：满意' }).waitFor()
  await accessible(t, community, 'the rating form')

  const street = await h.signIn('east-s1.staff', `/#/evaluations/${roundId}`)
  await rating(street, civil).getByLabel('评价').selectOption({ label: '基本满意' })
  await rating(street, civil).getByRole('button', { name: '提交评价' }).click()
  await rating(street, civil).getByRole('status').filter({ hasText: '已评：基本满意' }).waitFor()
  await rating(street, housing).getByLabel('评价').selectOption({ label: '不满意' })
  await rating(street, housing).getByRole('button', { name: '提交评价' }).click()
  await rating(street, housing).getByRole('status').filter({ hasText: '已评：不满意' }).waitFor()

  const mine = (await h.app.inject({ method: 'GET', url: `/v1/evaluations/${roundId}/ratings?all=true`, headers: h.auth('community', 'east-s1-c1', 'east-s1-c1.staff') })).json().items
  t.same(mine.map((r: Json) => [r.value, r.current]), [['not_quite_satisfied', false], ['satisfied', true]], 'the console sent the levels’ codes; the replaced rating is kept')

  // The office closes and publishes; the result table is what the API computed.
  await office.reload()
  await act(office, '截止评议')
  await office.locator('article .badge', { hasText: '已截止' }).waitFor()
  await office.locator('section.result caption', { hasText: '暂算结果' }).waitFor()
  await act(office, '公开')
  await office.locator('article .badge', { hasText: '已公开' }).waitFor()
  const civilRow = office.locator('section.result tbody tr').filter({ hasText: civil })
  await civilRow.waitFor()
  const result = (await h.app.inject({ method: 'GET', url: `/v1/register/evaluations/${roundId}` })).json().result
  const civilResult = result.departments.find((d: Json) => d.department === 'east-civil')
  t.match(civilResult, { n: 2, byRole: { street: 1, community: 1 }, satisfaction: { rate: 1 } })
  const cells = await civilRow.locator('td, th').allInnerTexts()
  t.equal(cells[0], String(civilResult.rank), 'the rank')
  t.equal(cells[2], '2 (1/1)', 'two ratings, a street’s and a community’s')
  t.match(cells[3], /100%.*达标/, 'every rating satisfied: the target met')
  t.equal(cells.at(-1), new Intl.NumberFormat('zh-CN').format(civilResult.total), 'the total as published')
  t.match(await office.locator('section.result').innerText(), /台账要求仍偏多/, 'the office reads the comments, without who wrote them')

  // The public: the result, its method and sources, and the open data.
  const reader = await h.open('/#/register/evaluations')
  await reader.getByRole('heading', { name: `东湖区 · ${year}` }).waitFor()
  const published = reader.locator('section.result')
  await published.locator('tbody tr').filter({ hasText: housing }).waitFor()
  t.notMatch(await published.innerText(), /台账要求仍偏多/, 'comments are not public')
  await published.getByText('计算方法与依据').click()
  t.match(await published.innerText(), /总分 = Σ/, 'the formula, to compute it again')
  t.match(await published.innerText(), /政策版本 zhunru-default/, 'and the policy it came from')
  await published.getByText(/《南通市人民政府办公室关于2013年统筹城乡社区建设主要工作责任分解的通知》/).waitFor()
  t.pass('its sources by their titles')
  t.equal(await reader.getByRole('link', { name: /公开数据（JSON）/ }).getAttribute('href'), `/v1/register/evaluations/${roundId}`)
  await accessible(t, reader, 'the published result')

  // The department: its rounds, by rank.
  const department = await h.signIn('zhao.lei')
  await department.getByRole('link', { name: '我的任务' }).click()
  const row = department.getByRole('row', { name: new RegExp(year) })
  await row.waitFor()
  t.match(await row.innerText(), new RegExp(`${civilResult.rank} / \\d+`), 'its rank among the ranked')
  t.match(await department.locator('dl.facts').first().innerText(), /提交\s*\d+[\s\S]*经证实的负担举报\s*\d+/, 'its scorecard, each figure named')
  await accessible(t, department, 'the department’s ratings')
})

t.test('a city that rates in points: the form asks for whole points and refuses what is off the scale', async (t) => {
  const h = await consoleHarness(t)
  const admin = h.auth('admin', 'city', 'pack.admin')
  const file = (await h.app.inject({ method: 'GET', url: '/v1/policy-packs/current' })).json()
  file.version = `${file.version}-points`
  file.parameters.evaluation = {
    ...file.parameters.evaluation,
    scale: { kind: 'points', satisfiedFrom: 60 },
    basis: { ...file.parameters.evaluation.basis, scale: { refs: [], note: '百分制，60分以上为满意' } }
  }
  t.equal((await h.app.inject({ method: 'POST', url: '/v1/policy-packs', headers: admin, payload: file })).statusCode, 201)
  const officeHeaders = h.auth('office', 'east', 'office.east')
  const opened = (await h.app.inject({ method: 'POST', url: '/v1/evaluations', headers: officeHeaders, payload: { period: chinaDay().slice(0, 4), departments: ['east-civil'] } })).json()
  t.equal((await h.app.inject({ method: 'POST', url: `/v1/evaluations/${opened.id}/events`, headers: officeHeaders, payload: { type: 'START', version: opened.version } })).statusCode, 200)

  const community = await h.signIn('east-s1-c1.staff', `/#/evaluations/${opened.id}`)
  await community.locator('#scale-note', { hasText: '60 分及以上计为满意' }).waitFor()
  const form = community.locator('ul.departments > li form')
  const points = form.getByLabel('评价')
  t.equal(await points.getAttribute('type'), 'number', 'a number field, not levels')
  await points.fill('101')
  await form.getByRole('button', { name: '提交评价' }).click()
  await form.locator('.field-error').waitFor()
  t.pass('101 points is refused next to the field')
  await points.fill('72')
  await form.getByRole('button', { name: '提交评价' }).click()
  await form.getByRole('status').filter({ hasText: '已评：72 分' }).waitFor()
  const [stored] = (await h.app.inject({ method: 'GET', url: `/v1/evaluations/${opened.id}/ratings`, headers: h.auth('community', 'east-s1-c1', 'east-s1-c1.staff') })).json().items
  t.match(stored, { value: 72, satisfied: true }, 'sent as a number')
  await accessible(t, community, 'the points form')
})
