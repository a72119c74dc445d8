import { buildApp } from './app.js'
import { sweepEvaluations } from './evaluations/service.js'
import { forgetOldKeys } from './platform/idempotency.js'
import { sweep } from './tasks/deadlines.js'
import { refusedDestination } from './webhooks/destination.js'
import { startDispatcher } from './webhooks/outbox.js'
import { loadConfig } from './config.js'
import { DEMO_PRINCIPALS, seedDemoIfEmpty } from './demo.js'
import { DEFAULT_PACK } from './policy/pack.js'
import { openDatabase } from './engine/db.js'
import { loadBasePack } from './policy/pack-store.js'

// The server only starts and stops the app: everything else lives in buildApp.
async function main(): Promise<void> {
  const config = loadConfig(process.env)
  const database = await openDatabase(config.databaseUrl)
  const now = new Date().toISOString()
  await loadBasePack(database.knex, DEFAULT_PACK, now)
  const seeded = config.demo && (await seedDemoIfEmpty(database.knex, now))
  const app = await buildApp({
    database,
    jwtSecret: config.jwtSecret,
    identityProvider: config.identityProvider,
    rateLimitPerMinute: config.rateLimitPerMinute,
    allowPrivateWebhooks: config.webhookAllowPrivateNetworks,
    console: {
      // Demo accounts only while the secret is the public one: with a real secret nobody signs in without a provider.
      ...(config.jwtSecretIsDevelopmentDefault ? { demo: { accounts: DEMO_PRINCIPALS, secret: config.jwtSecret! } } : {}),
      ...(config.consoleSignIn === undefined ? {} : { signIn: config.consoleSignIn })
    },
    logger: { level: process.env.LOG_LEVEL ?? 'info' }
  })
  // Background work: due dates and the webhook outbox live in the database, so both loops
  // pick up where they left off after a restart, and several processes may run them at once.
  const dispatcher = startDispatcher(database.knex, {
    now: () => new Date(),
    // 30 s doubling to at most an hour, for about three days: a receiver down over a weekend loses nothing.
    retryBaseMs: 30_000,
    maxBackoffMs: 3_600_000,
    maxAttempts: 80,
    timeoutMs: 10_000,
    intervalMs: 2_000,
    // Checked before every delivery: a name may resolve to a private address.
    destination: config.webhookAllowPrivateNetworks ? undefined : refusedDestination,
    onError: (err) => app.log.error({ err }, 'webhook dispatch failed')
  })
  const sweeper = setInterval(() => {
    const onError = (err: unknown) => app.log.error({ err }, 'a due date could not be handled; it is tried again next minute')
    sweep(app.gate, onError)
      .then(() => sweepEvaluations(app.gate, onError))
      .then(() => forgetOldKeys(database.knex, new Date()))
      .catch((err) => app.log.error({ err }, 'sweep failed'))
  }, 60_000)
  sweeper.unref()
  const close = async () => {
    clearInterval(sweeper)
    await dispatcher.stop()
    await app.close()
    await database.knex.destroy()
    process.exit(0)
  }
  process.once('SIGINT', close)
  process.once('SIGTERM', close)
  await app.listen({ port: config.port, host: config.host })
  const pack = await app.gate.packs.get(database.knex)
  const base = `http://${config.host}:${config.port}`
  const provider = config.identityProvider
  const hs256 = config.jwtSecret !== undefined
  console.log(
    [
      '',
      `zhunru is running on ${base} (database: ${database.dialect}, policy ${pack.ref.id} ${pack.ref.version})`,
      seeded ? 'Loaded the demo org tree (a city, two districts, their streets, communities and departments).' : '',
      config.demo ? '' : 'Started without the demo city (ZHUNRU_DEMO=0): org units, members and policy are your own.',
      `Console:        ${base}/`,
      `API docs:       ${base}/docs   (OpenAPI: ${base}/docs/json)`,
      provider === undefined ? '' : `Tokens:         from the identity provider ${provider.issuer ?? provider.jwksUrl} for audience ${provider.audience}${hs256 ? ', and HS256 with JWT_SECRET' : ' (HS256 tokens are refused: JWT_SECRET is not set)'}`,
      hs256 ? 'Get a token:    npm run token -- department city-civil li.min' : '',
      hs256 ? 'Demo accounts:  npm run token -- --list' : '',
      config.jwtSecretIsDevelopmentDefault ? 'WARNING: JWT_SECRET is not set; using the development secret. Set it before deploying.' : '',
      ''
    ]
      .filter((l, i, all) => l !== '' || i === 0 || i === all.length - 1)
      .join('\n')
  )
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
