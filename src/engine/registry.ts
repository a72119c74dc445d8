import type { EventObject } from 'xstate'
import { GENERIC_TABLES, type InstanceTables } from './store.js'
import { WorkflowRuntime, type Workflow } from './workflow.js'

/**
 * The workflows a server runs, by id: the engine's extension point. The admission gate,
 * burden reports and any integrator's process register here, and the engine's routes,
 * store and sweeper serve every one of them alike.
 */
export class WorkflowRegistry {
  private readonly byId = new Map<string, WorkflowRuntime<any, any>>()
  private readonly tables = new Map<string, InstanceTables>()

  /**
   * A workflow that brings `tables` of its own keeps its instances there, with its
   * projections as columns, and serves its own routes; one that brings none is kept in
   * the engine's tables and served by the engine's instance routes.
   */
  register<C, E extends EventObject>(workflow: Workflow<C, E>, tables: InstanceTables = GENERIC_TABLES): WorkflowRuntime<C, E> {
    const known = this.byId.get(workflow.id)
    if (known !== undefined) {
      // Registering the same workflow twice (two plugins that both need it) is harmless; two different ones under one id are not.
      if (known.workflow === workflow) return known as WorkflowRuntime<C, E>
      throw new Error(`a different workflow is already registered as "${workflow.id}"`)
    }
    // What the engine's columns hold: a machine id of 64 characters, an event type of 40.
    if (!/^[a-z][a-z0-9-]{0,63}$/.test(workflow.id)) throw new Error(`a workflow id is 1 to 64 lowercase letters, digits and dashes: "${workflow.id}"`)
    const long = Object.keys(workflow.eventRoles).find((type) => !/^[A-Z][A-Z_]{1,39}$/.test(type))
    if (long !== undefined) throw new Error(`an event type is 2 to 40 capital letters and underscores (what a webhook subscribes to): "${long}" of ${workflow.id}`)
    const runtime = new WorkflowRuntime(workflow)
    this.byId.set(workflow.id, runtime)
    this.tables.set(workflow.id, tables)
    return runtime
  }

  /** A workflow kept in the engine's own tables, by id; undefined for any other. */
  generic(id: string): WorkflowRuntime<any, any> | undefined {
    return this.tables.get(id) === GENERIC_TABLES ? this.byId.get(id) : undefined
  }

  /** A registered workflow by id; undefined for any other name, "__proto__" and "toString" included. */
  get(id: string): WorkflowRuntime<any, any> | undefined {
    return this.byId.get(id)
  }

  list(): Array<WorkflowRuntime<any, any>> {
    return [...this.byId.values()]
  }
}
