import { mkdirSync } from 'node:fs'
import t, { type Test } from 'tap'
import type { Page } from 'playwright-core'
import { accessible, act, chinaDay, consoleHarness, type ConsoleHarness } from './harness.js'

// Issue 13: every role does its work in a browser. One task goes the whole way through the
// console, as its people would take it: drafted with live findings, escalated, put on the
// agenda, voted, decided, seen and funded by a community, and read by the public; then a
// council item goes through its steps. Every page is checked with axe on the way.

const SHOTS = process.env.CONSOLE_SCREENSHOTS === '1' ? new URL('../../docs/screenshots/', import.meta.url).pathname : null
if (SHOTS !== null) mkdirSync(SHOTS, { recursive: true })

async function shot(page: Page, name: string) {
  if (SHOTS !== null) await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true })
}

async function flow(t: Test, h: ConsoleHarness) {
  // The department drafts: findings appear as it types, the words marked in its own text.
  const dept = await h.signIn('li.min')
  await dept.getByRole('link', { name: '起草任务' }).click()
  await dept.getByRole('heading', { name: '起草任务' }).waitFor()
  await dept.getByLabel('任务名称').fill('协助开展社区养老服务需求调查')
  await dept.getByLabel('东湖一社区').check()
  await dept.getByLabel('东湖二社区').check()
  await dept.getByLabel('开始日期').fill('2027-04-01')
  await dept.getByLabel('结束日期').fill('2027-06-30')
  await dept.getByLabel('每个对象的工作量（小时）').fill('40')
  await dept.getByLabel('任务内容').pressSequentially('入户走访，并要求社区完成招商引资任务', { delay: 20 })
  const live = dept.locator('aside.live')
  await live.locator('mark', { hasText: '招商引资' }).waitFor()
  t.match(await live.innerText(), /不予准入/, 'an economic target is named a rejection while the official types')
  t.match(await live.innerText(), /如何修改/, 'and what to change')
  t.match(await live.innerText(), /出处：《/, 'with the document it rests on')
  await accessible(t, dept, 'the draft with findings')
  await shot(dept, 'department-draft')
  // The official removes the excluded words; funding and the legal basis follow.
  await dept.getByLabel('任务内容').fill('入户走访，了解老年人养老服务需求并汇总。')
  await dept.getByLabel('法规名称').fill('《中华人民共和国老年人权益保障法》')
  await dept.getByLabel('条款').fill('第三十七条')
  await dept.getByLabel('每个对象（元）').fill('5000')
  await dept.getByLabel('经费来源').fill('市级福彩公益金')
  await dept.getByLabel('经费已落实').check()
  await live.getByText('提交审议').first().waitFor()
  t.notOk(await live.locator('mark', { hasText: '招商引资' }).count(), 'the marks follow the text')
  await dept.getByRole('button', { name: '提交准入审查' }).click()
  await dept.getByRole('heading', { name: '协助开展社区养老服务需求调查' }).waitFor()
  const taskUrl = dept.url()
  t.match(await dept.locator('article').innerText(), /待审议 · 办公室审查/, 'not on any list: escalated to the office')
  await dept.locator('.diagram svg').waitFor()
  t.match(await dept.locator('.diagram figcaption').innerText(), /当前状态：待审议 · 办公室审查/, 'the diagram names the current state in words')
  await accessible(t, dept, 'the task page')
  await shot(dept, 'department-task')

  // The office: its queue by deadline, then the agenda.
  const office = await h.signIn('office.city')
  await office.getByRole('link', { name: '审查队列' }).click()
  const row = office.getByRole('row', { name: /协助开展社区养老服务需求调查/ })
  await row.waitFor()
  // The working days left are counted once the pack's calendar has loaded.
  await row.getByText(/剩余\d+个工作日/).waitFor()
  t.pass('the deadline as a date and the working days left')
  await accessible(t, office, 'the review queue')
  await shot(office, 'office-queue')
  await row.getByRole('link').click()
  await act(office, '提交领导小组审议', (f) => f.getByLabel('理由（可选）').fill('清单外事项，提请集体研究'))
  await office.locator('article .badge', { hasText: '待审议 · 领导小组审议' }).waitFor()
  t.pass('on the agenda')

  // The member of the submitting department may not vote, and is told why.
  const recused = await h.signIn('zhou.civil', `/${new URL(taskUrl).hash}`)
  await recused.getByRole('heading', { name: '协助开展社区养老服务需求调查' }).waitFor()
  t.equal(await recused.getByRole('button', { name: '表决', exact: true }).count(), 0, 'no vote is offered to a recused member')
  t.match(await recused.locator('article').innerText(), /回避/, 'the recusal is explained')

  // Three members vote; the tally and quorum show as they stand.
  let voted = 0
  for (const [sub, vote] of [['chen.chair', '同意'], ['qian.member', '同意'], ['wu.police', '同意']] as const) {
    const m = await h.signIn(sub, `/${new URL(taskUrl).hash}`)
    await m.getByRole('heading', { name: '协助开展社区养老服务需求调查' }).waitFor()
    await act(m, '表决', async (f) => {
      await f.getByLabel('表决意见').selectOption({ label: vote })
      await f.getByLabel('理由').fill('属于社区协助事项，经费落实')
    })
    await m.getByText(new RegExp(`已表决 ${++voted} / 有表决权 4`)).waitFor()
    if (sub === 'wu.police') {
      const tally = await m.locator('section', { has: m.getByRole('heading', { name: '表决情况' }) }).innerText()
      t.match(tally, /已达法定人数/, `quorum met after three votes: ${tally}`)
      await accessible(t, m, 'the vote')
      await shot(m, 'leading-group-vote')
    }
    if (sub !== 'chen.chair') await m.context().close()
  }

  // The chair records the decision, with minutes.
  const chair = await h.signIn('chen.chair', `/${new URL(taskUrl).hash}`)
  await chair.getByRole('heading', { name: '协助开展社区养老服务需求调查' }).waitFor()
  await act(chair, '作出决定', async (f) => {
    await f.getByLabel('决定').selectOption({ label: '同意' })
    await f.getByLabel('会议纪要').fill('领导小组第3次会议：到会4人，同意3票。')
  })
  await chair.getByRole('heading', { name: '集体决定' }).waitFor()
  await chair.locator('article .badge', { hasText: '已准入' }).waitFor()
  t.pass('admitted by the collective decision')

  // The community sees it and confirms the funding.
  const community = await h.signIn('east-s1-c1.staff')
  await community.getByRole('link', { name: '准入事项与负担' }).click()
  await community.getByRole('link', { name: '协助开展社区养老服务需求调查' }).waitFor()
  await community.getByRole('heading', { name: '负担台账', exact: true }).waitFor()
  await accessible(t, community, 'the community’s page')
  await shot(community, 'community-ledger')
  await community.getByRole('link', { name: '协助开展社区养老服务需求调查' }).click()
  const funding = community.locator('form', { has: community.getByRole('heading', { name: '确认经费到位' }) })
  await funding.getByLabel('到位金额（元，可选）').fill('5000')
  await funding.getByRole('button', { name: '确认' }).click()
  await community.getByRole('status').filter({ hasText: '已记录经费确认' }).waitFor()

  // The public reads it in the register, without signing in.
  const publicPage = await h.open('/#/register')
  await publicPage.getByRole('cell', { name: /协助开展社区养老服务需求调查/ }).waitFor()
  t.match(await publicPage.locator('table').innerText(), /¥5,000/, 'amounts in yuan with digit grouping')
  await accessible(t, publicPage, 'the public register')
  await shot(publicPage, 'public-register')
  for (const tab of ['清单及版本', '部门统计', '议事会决议', '评议结果']) {
    await publicPage.getByRole('link', { name: tab }).click()
    await publicPage.waitForFunction(() => !document.body.innerText.includes('正在读取'))
    await accessible(t, publicPage, `the register: ${tab}`)
  }
  await shot(publicPage, 'public-register-departments')
}

async function councilItem(t: Test, h: ConsoleHarness) {
  const seven = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']
  const staffAuth = h.auth('community', 'east-s1-c1')
  const members = seven.map((sub, i) => ({ sub, name: `成员${i + 1}`, position: i === 0 ? 'chair' : i === 1 ? 'vice_chair' : 'member', partyMember: i < 3, termStart: '2024-01-01', termEnd: '2028-12-31' }))
  t.equal((await h.app.inject({ method: 'POST', url: '/v1/councils/east-s1-c1/members/import', headers: staffAuth, payload: members })).statusCode, 200)

  const council = await h.signIn('east-s1-c1.council')
  await council.getByRole('link', { name: '议事会事项' }).click()
  await council.getByLabel('题目').fill('小区加装电动车充电棚')
  await council.getByLabel('内容').fill('居民建议在3号楼旁加装充电棚，解决飞线充电隐患。')
  await council.getByRole('button', { name: '登记' }).click()
  await council.getByRole('heading', { name: '小区加装电动车充电棚' }).waitFor()
  await act(council, '形成提议', async (f) => {
    await f.getByLabel('事项类别').selectOption({ label: '一般事项' })
    await f.getByLabel('定类理由').fill('费用由维修资金列支，不涉及全体居民重大利益')
    await f.getByLabel('提议内容').fill('建议加装充电棚一座，设充电位20个。')
  })
  const itemUrl = council.url()
  const staff = await h.signIn('east-s1-c1.staff', `/${new URL(itemUrl).hash}`)
  await staff.getByRole('heading', { name: '小区加装电动车充电棚' }).waitFor()
  await act(staff, '两委审核', async (f) => {
    await f.getByLabel('审核结果').selectOption({ label: '通过' })
    await f.getByLabel('审核意见').fill('同意提交议事会表决')
  })
  await council.reload()
  await council.getByRole('heading', { name: '小区加装电动车充电棚' }).waitFor()
  // Three present of seven: no quorum, refused with the reason, next to the form.
  await council.getByRole('button', { name: '议事会决议', exact: true }).click()
  const resolve = council.locator('form.event-form')
  await resolve.getByLabel('召开日期').fill(chinaDay())
  await resolve.getByLabel('通知日期').fill(chinaDay(-14))
  await resolve.getByLabel('出席').fill('m1\nm2\nm3')
  await resolve.getByLabel('赞成').fill('m1\nm2\nm3')
  await resolve.getByLabel('会议纪要').fill('议事会第5次会议纪要')
  await resolve.getByLabel('决议内容').fill('同意加装充电棚')
  await resolve.getByRole('button', { name: '确认: 议事会决议' }).click()
  await resolve.getByRole('alert').waitFor()
  t.match(await resolve.getByRole('alert').innerText(), /3/, 'the refusal says how many were present')
  await accessible(t, council, 'a refused resolution')
  await resolve.getByLabel('出席').fill(seven.slice(0, 5).join('\n'))
  await resolve.getByLabel('赞成').fill(seven.slice(0, 4).join('\n'))
  await resolve.getByLabel('反对').fill('m5')
  // Residents widely reject the task admitted for them: the resolution asks the office to withdraw it, chosen from what is in force.
  const rejected = resolve.getByLabel('任务', { exact: true })
  await rejected.selectOption((await rejected.locator('option', { hasText: '协助开展社区养老服务需求调查' }).getAttribute('value'))!)
  await resolve.getByLabel('理由', { exact: true }).fill('居民普遍反对重复入户调查')
  await resolve.getByRole('button', { name: '确认: 议事会决议' }).click()
  await resolve.waitFor({ state: 'detached' })
  await council.locator('article .badge', { hasText: '已决议' }).waitFor()
  t.pass('resolved by the majority present')
  // The resolution reads as its record: the meeting, who came and how each voted, by name.
  const record = council.locator('article section').filter({ has: council.getByRole('heading', { name: '决议' }) })
  const text = await record.innerText()
  t.match(text, /✔ 通过/, 'adopted')
  t.match(text, /议事会会议/, 'the meeting named in words')
  t.match(text, /实到\s*成员1、成员2、成员3、成员4、成员5/, 'who attended, by name')
  t.match(text, /缺席\s*成员6、成员7/, 'who was absent')
  t.match(text, /赞成 4 · 反对 1 · 弃权 0/, 'the tally')
  t.notMatch(text, /[{}"]/, 'no JSON')
  await shot(council, 'council-item')

  // The office that admitted the task finds the request in its queue and answers on the task, the request already chosen.
  const office = await h.signIn('office.city')
  await office.getByRole('link', { name: '撤回请求' }).click()
  const asked = office.getByRole('row', { name: /居民普遍反对重复入户调查/ })
  await asked.waitFor()
  await asked.getByText('东湖一社区').waitFor()
  t.pass('the community by name')
  t.match(await asked.innerText(), /待答复/, 'waiting for an answer')
  await accessible(t, office, 'the withdrawal requests')
  await asked.getByRole('link', { name: '打开任务' }).click()
  await office.locator('ul.requests', { hasText: '居民普遍反对重复入户调查' }).waitFor()
  await act(office, '保留任务（答复撤回请求）', async (f) => {
    t.not(await f.getByLabel('所答复的撤回请求').inputValue(), '', 'the one request waiting is already chosen')
    await f.getByLabel('理由', { exact: true }).fill('该事项已调整为电话回访，不再入户')
  })
  await office.locator('ul.requests .badge', { hasText: '保留' }).waitFor()
  await council.reload()
  const answer = council.locator('ul.requests')
  await answer.getByText('该事项已调整为电话回访，不再入户').waitFor()
  t.match(await answer.innerText(), /保留任务/, 'the council reads the answer and its reasons on its item')

  await staff.reload()
  await staff.getByRole('heading', { name: '小区加装电动车充电棚' }).waitFor()
  await act(staff, '备案', (f) => f.getByLabel('说明（可选）').fill('已报社区两委备案'))
  await act(staff, '公开')
  await staff.locator('article .badge', { hasText: '已公开' }).waitFor()
  await accessible(t, staff, 'the council item')

  const publicPage = await h.open('/#/register/deliberations')
  await publicPage.getByRole('cell', { name: '小区加装电动车充电棚' }).waitFor()
}

t.test('every role’s work in the browser, one task and one council item all the way through', async (t) => {
  const h = await consoleHarness(t)
  await flow(t, h)
  await councilItem(t, h)
})

t.test('the console reads at 320 px and in English; keyboard reaches the actions', async (t) => {
  const h = await consoleHarness(t)
  const narrow = await h.open('/#/register', { width: 320, height: 640 })
  await narrow.getByRole('heading', { name: '公开目录' }).waitFor()
  t.ok(await narrow.evaluate(() => document.documentElement.scrollWidth <= 321), 'no sideways scrolling at 320 px')
  await accessible(t, narrow, 'the register at 320 px')
  await narrow.getByRole('button', { name: 'English' }).click()
  await narrow.getByRole('heading', { name: 'The public register' }).waitFor()
  t.equal(await narrow.evaluate(() => document.documentElement.lang), 'en')
  // The skip link is the first stop, and it reaches the content.
  const page = await h.open('/#/sign-in')
  await page.keyboard.press('Tab')
  t.equal(await page.evaluate(() => document.activeElement?.textContent), '跳到正文')
  await page.getByRole('heading', { name: '演示账户' }).waitFor()
  await accessible(t, page, 'the sign-in page')
  await shot(page, 'sign-in')
})
