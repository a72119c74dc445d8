// oidc-provider ships no types; only what test/oidc.test.ts uses of it.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  interface StructuredToken {
    header?: Record<string, unknown>
    payload: Record<string, unknown>
  }
  export interface Configuration {
    clients: Array<Record<string, unknown>>
    jwks: { keys: object[] }
    features: Record<string, unknown> & {
      resourceIndicators?: {
        enabled: boolean
        defaultResource: () => string
        useGrantedResource: () => boolean
        getResourceServerInfo: (ctx: unknown, resource: string) => Record<string, unknown>
      }
    }
    ttl?: Record<string, number>
    extraTokenClaims?: () => Promise<Record<string, unknown> | undefined>
    formats?: { customizers?: { jwt?: (ctx: unknown, token: unknown, jwt: StructuredToken) => Promise<void> } }
  }
  export default class Provider {
    constructor(issuer: string, configuration: Configuration)
    callback(): (req: IncomingMessage, res: ServerResponse) => void
  }
}
