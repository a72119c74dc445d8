// Ceiling B: a bare Fastify route doing one knex insert per request, on exactly the
// application's database settings (knexConfig: SQLite with pool 1, WAL, synchronous=NORMAL,
// busy_timeout, foreign keys; or PostgreSQL with the application's pool).
import Fastify from 'fastify'
import knexFactory from 'knex'
import { knexConfig } from '../../src/engine/db.js'

const url = process.env.DATABASE_URL
if (!url) throw new Error('DATABASE_URL is required')
const db = knexFactory(knexConfig(url).config)
if (!(await db.schema.hasTable('bench_inserts'))) {
  await db.schema.createTable('bench_inserts', (t) => {
    t.increments('seq').primary()
    t.string('note', 200).notNullable()
    t.string('created_at', 32).notNullable()
  })
}

const app = Fastify({ logger: false })
app.post<{ Body: { note?: string } }>('/', async (req, reply) => {
  const [row] = await db('bench_inserts')
    .insert({ note: req.body?.note ?? 'ceiling', created_at: new Date().toISOString() })
    .returning('seq')
  return reply.status(201).send({ seq: Number((row as { seq: number }).seq) })
})
app.get('/healthz', async () => {
  await db.raw('select 1')
  return { status: 'ok' }
})

process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => db.destroy())
    .then(() => process.exit(0))
})
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
