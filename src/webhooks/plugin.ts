import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { webhookRoutes } from './routes.js'

export interface WebhookOptions {
  /** Receivers may be on loopback and private addresses (the same network); off unless set. */
  allowPrivateNetworks?: boolean
}

/** Signed callbacks on every workflow's transitions: subscriptions and their delivery logs (the engine writes the outbox). */
export const webhooks = fp(
  async (app: FastifyInstance, opts: WebhookOptions) => {
    await app.register(webhookRoutes, { allowPrivateNetworks: opts.allowPrivateNetworks === true })
  },
  { name: 'zhunru-webhooks', fastify: '5.x', dependencies: ['zhunru-platform', 'zhunru-engine'] }
)
