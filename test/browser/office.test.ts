import t from 'tap'
import { accessible, act, chinaDay, consoleHarness } from './harness.js'

// The office's and the administrator's pages, driven as their people would: a burden report from
// a community investigated and confirmed; a policy pack checked against the one in force and
// published; the org tree imported from a spreadsheet, a dry run first.

type Json = Record<string, any>

t.test('a community reports work that bypassed the gate; the office investigates and confirms it', async (t) => {
  const h = await consoleHarness(t)
  const community = await h.signIn('east-s1-c1.staff')
  await community.getByRole('link', { name: '负担举报' }).click()
  const form = community.locator('form', { has: community.getByRole('heading', { name: '举报未经准入的任务' }) })
  // Nothing filled: each refusal next to its field.
  await form.getByRole('button', { name: '提交举报' }).click()
  await form.locator('.field-error').first().waitFor()
  await form.getByLabel('哪个部门').selectOption({ label: '东湖区民政局' })
  await form.getByLabel('被要求做什么').fill('要求社区三天内报送辖区全部老年人台账')
  await form.getByLabel('要求日期').fill(chinaDay(-2))
  await form.getByLabel('证据（通知、消息等）').fill('区民政局工作群通知截图')
  await form.getByRole('button', { name: '提交举报' }).click()
  const row = community.getByRole('row', { name: /要求社区三天内报送辖区全部老年人台账/ })
  await row.waitFor()
  await row.getByText('东湖区民政局').waitFor()
  t.match(await row.innerText(), /已举报/, 'reported')
  await accessible(t, community, 'the burden report form and list')

  const office = await h.signIn('office.east')
  await office.getByRole('link', { name: '负担举报' }).click()
  const report = office.getByRole('row', { name: /要求社区三天内报送辖区全部老年人台账/ })
  await report.waitFor()
  await act(office, '开始核查')
  await report.getByText('核查中').waitFor()
  await act(office, '证实', async (f) => {
    await f.getByLabel('处理要求').selectOption({ label: '责令按准入程序报送' })
    await f.getByLabel('理由（可选）').fill('经核实，该台账要求未经准入')
  })
  await report.getByText('已证实').waitFor()
  await accessible(t, office, 'the office’s burden reports')
  const stored = (await h.app.inject({ method: 'GET', url: '/v1/burden-reports', headers: h.auth('office', 'east', 'office.east') })).json().items
  t.match(stored, [{ department: 'east-civil', state: 'confirmed', askedOn: chinaDay(-2) }], 'what the office confirmed is what the community reported')
})

t.test('an administrator checks a policy pack against the one in force, then publishes it', async (t) => {
  const h = await consoleHarness(t)
  const before = (await h.app.inject({ method: 'GET', url: '/v1/policy-packs/current' })).json()
  const admin = await h.signIn('admin')
  t.equal(await admin.getByRole('link', { name: '审查队列' }).count(), 0, 'an admin is not offered the office’s review queue, which the API refuses it')
  await admin.getByRole('link', { name: '政策包' }).click()
  const editor = admin.getByLabel('政策包（JSON）')
  await editor.waitFor()
  t.same(JSON.parse(await editor.inputValue()).version, before.version, 'the pack in force, as its file')

  // Broken JSON is refused in words, and nothing is sent.
  await editor.fill('{ "version": ')
  await admin.getByRole('button', { name: '检查差异（不发布）' }).click()
  await admin.getByRole('alert').waitFor()

  const next: Json = structuredClone(before)
  next.version = `${before.version}-city`
  next.parameters.deliberation.noticeWorkingDays.days = 5
  // The administrator pastes the edited export: the whole file at once (typing 150 KB into a textarea is not how anyone edits it).
  await editor.evaluate((el: HTMLTextAreaElement, text: string) => {
    el.value = text
    el.dispatchEvent(new Event('input', { bubbles: true }))
  }, JSON.stringify(next, null, 2))
  await admin.getByRole('button', { name: '检查差异（不发布）' }).click()
  const diff = admin.locator('section[aria-live]')
  await diff.getByRole('heading', { name: new RegExp(`将发生的变化 · ${next.version}`) }).waitFor()
  t.match(await diff.innerText(), /deliberation/, 'the dry run names the parameter that changes')
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/policy-packs/current' })).json().version, before.version, 'a dry run stores nothing')
  await accessible(t, admin, 'the policy pack’s dry run')

  await admin.getByRole('button', { name: '发布', exact: true }).click()
  await diff.getByRole('heading', { name: new RegExp(`已发布 · ${next.version}`) }).waitFor()
  const after = (await h.app.inject({ method: 'GET', url: '/v1/policy-packs/current' })).json()
  t.match(after, { version: next.version, parameters: { deliberation: { noticeWorkingDays: { days: 5 } } } }, 'the pack in force is the one published')
})

t.test('an administrator imports the org tree from CSV: a dry run, a bad row named, then the import', async (t) => {
  const h = await consoleHarness(t)
  const admin = await h.signIn('admin')
  await admin.getByRole('link', { name: '导入组织' }).click()
  const content = admin.getByLabel('内容')
  await content.fill('id,kind,name,parentId\neast-s1-c8,community,东湖八社区,east-s1\neast-s1-c9,community,东湖九社区,nowhere\n')
  await admin.getByRole('button', { name: '检查（不保存）' }).click()
  const refusal = admin.getByRole('alert')
  await refusal.waitFor()
  t.match(await refusal.innerText(), /parentId/, 'the bad row’s field is named')

  await content.fill('id,kind,name,parentId\neast-s1-c8,community,东湖八社区,east-s1\neast-s1-c9,community,东湖九社区,east-s1\n')
  await admin.getByRole('button', { name: '检查（不保存）' }).click()
  const result = admin.locator('section[aria-live]')
  await result.getByRole('heading', { name: '检查结果（未保存）' }).waitFor()
  t.match(await result.innerText(), /新增 2/, 'two units would be created')
  t.equal((await h.app.inject({ method: 'GET', url: '/v1/org-units/east-s1-c8' })).statusCode, 404, 'a dry run stores nothing')
  await accessible(t, admin, 'the org import’s dry run')

  await admin.getByRole('button', { name: '导入', exact: true }).click()
  await result.getByRole('heading', { name: '已导入' }).waitFor()
  t.match((await h.app.inject({ method: 'GET', url: '/v1/org-units/east-s1-c9' })).json(), { id: 'east-s1-c9', kind: 'community', name: '东湖九社区', parentId: 'east-s1' })
})
