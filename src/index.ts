/**
 * zhunru as a library: the whole API as one Fastify plugin, each capability as a plugin of
 * its own, and the pure parts (the screening, the default pack, the machines) for use in-process.
 */
export { zhunru, type ZhunruOptions } from './zhunru.js'
export { zhunruConsole, type ConsoleOptions, type ConsoleSignIn, type DemoAccount } from './console/plugin.js'
export { platform, platformServerOptions, type PlatformOptions } from './platform/plugin.js'
export { engine, type Engine, type EngineOptions } from './engine/plugin.js'
export { policy } from './policy/plugin.js'
export { admission } from './tasks/plugin.js'
export { leadingGroups } from './leading-groups/plugin.js'
export { contracts } from './contracts/plugin.js'
export { burden } from './burden/plugin.js'
export { register } from './register/plugin.js'
export { webhooks, type WebhookOptions } from './webhooks/plugin.js'

export { WorkflowRuntime, IncompatibleSnapshotError, type StoredSnapshot, type Workflow } from './engine/workflow.js'
export { WorkflowRegistry } from './engine/registry.js'
export type { Actor, Audience, InstanceTables, StateChange } from './engine/store.js'

export { screenTask } from './policy/screen.js'
export { DEFAULT_PACK, packHash } from './policy/pack.js'
export { BUILT_IN_SOURCES } from './policy/sources.js'
export type { Citation, Finding, PolicyPack, PolicyRef, Screening, Source, SourceRef, TaskDeclaration } from './policy/types.js'
export { admissionMachine, admissionWorkflow } from '../machines/admission.js'
export { burdenReportMachine, burdenReportWorkflow } from '../machines/burden-report.js'

export { openDatabase, type Database } from './engine/db.js'
export { signToken, type PrincipalClaims } from './platform/token.js'
export { ROLES, type Role } from './roles.js'
