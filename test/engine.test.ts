import t from 'tap'
import { assign, setup } from 'xstate'
import { WorkflowRegistry } from '../src/engine/registry.js'
import { IncompatibleSnapshotError, WorkflowRuntime, positionLabel, type Workflow } from '../src/engine/workflow.js'

// The engine's pure runtime, on a workflow written here: a three-step approval whose
// version 2 renamed a state, so that version-1 snapshots must be upgraded to be restored.

type ApprovalEvent = { type: 'SUBMIT' } | { type: 'APPROVE'; by: string } | { type: 'REJECT' }

const approval = setup({ types: { context: {} as { approvals: string[] }, events: {} as ApprovalEvent } }).createMachine({
  id: 'approval',
  initial: 'drafting',
  context: { approvals: [] },
  states: {
    drafting: { on: { SUBMIT: 'review' } },
    review: {
      initial: 'first',
      states: {
        first: { on: { APPROVE: { target: 'second', actions: assign(({ context, event }) => ({ approvals: [...context.approvals, event.by] })) } } },
        second: { on: { APPROVE: { target: '#approval.approved', actions: assign(({ context, event }) => ({ approvals: [...context.approvals, event.by] })) } } }
      },
      on: { REJECT: 'rejected' }
    },
    approved: { type: 'final' },
    rejected: { type: 'final' }
  }
})

const workflow: Workflow<{ approvals: string[] }, ApprovalEvent> = {
  id: 'approval',
  version: 2,
  machine: approval,
  // Version 1 called the first state "draft" and kept no approvals.
  upgrades: { 1: (s) => ({ ...s, machineVersion: 2, value: s.value === 'draft' ? 'drafting' : s.value, context: { approvals: [] } }) },
  eventRoles: { SUBMIT: ['department'], APPROVE: ['office'], REJECT: ['office'] }
}

t.test('a runtime steps any registered machine without executing anything, and upgrades old snapshots', async (t) => {
  const runtime = new WorkflowRuntime(workflow)
  const initial = runtime.initial()
  t.same(initial, { machineVersion: 2, value: 'drafting', context: { approvals: [] } })
  initial.context.approvals.push('mutated')
  t.same(runtime.initial().context.approvals, [], 'each instance gets its own copy of the initial snapshot')
  t.same(runtime.enabledEvents(runtime.initial()), ['SUBMIT'])
  t.same(runtime.step(runtime.initial(), { type: 'APPROVE', by: 'x' }), { accepted: false })
  const submitted = runtime.mustStep(runtime.initial(), { type: 'SUBMIT' })
  t.equal(submitted.position, 'review.first')
  t.same(runtime.enabledEvents(submitted.next), ['APPROVE', 'REJECT'], 'events of the state and of its parent')
  const once = runtime.mustStep(submitted.next, { type: 'APPROVE', by: 'wang' })
  const twice = runtime.mustStep(once.next, { type: 'APPROVE', by: 'li' })
  t.equal(twice.position, 'approved')
  t.same(twice.next.context.approvals, ['wang', 'li'])
  t.same(JSON.parse(JSON.stringify(twice.next)), twice.next, 'snapshots survive a JSON round trip as they are')
  t.throws(() => runtime.mustStep(twice.next, { type: 'SUBMIT' }), IncompatibleSnapshotError)

  const v1 = { machineVersion: 1, value: 'draft', context: {} }
  t.same(runtime.upgrade(v1), { machineVersion: 2, value: 'drafting', context: { approvals: [] } })
  t.equal(runtime.mustStep(v1, { type: 'SUBMIT' }).position, 'review.first', 'a version-1 snapshot steps after its upgrade')
  for (const bad of [
    { machineVersion: 0, value: 'draft', context: {} },
    { machineVersion: 3, value: 'drafting', context: {} },
    { machineVersion: 2, value: 'limbo', context: {} },
    { machineVersion: 2, value: { review: 'third' }, context: {} },
    { machineVersion: 2, value: { review: 'first', approved: 'x' }, context: {} },
    { machineVersion: 2, value: 'review', context: {} }
  ]) {
    t.throws(() => runtime.enabledEvents(bad), IncompatibleSnapshotError, JSON.stringify(bad))
  }
  t.equal(positionLabel({ a: { b: 'c' } }), 'a.b.c')
})

t.test('the registry names each workflow once', async (t) => {
  const registry = new WorkflowRegistry()
  const runtime = registry.register(workflow)
  t.equal(registry.register(workflow), runtime, 'registering the same workflow again is harmless')
  t.throws(() => registry.register({ ...workflow }), /already registered as "approval"/)
  t.equal(registry.get('approval'), runtime)
  t.equal(registry.get('__proto__'), undefined)
  t.same(registry.list().map((r) => r.workflow.id), ['approval'])
})
