// Ceiling A: the cheapest Fastify can be on this machine, a route returning a constant.
import Fastify from 'fastify'

const app = Fastify({ logger: false })
const CONSTANT = { hello: 'world' }
app.get('/', async () => CONSTANT)
app.get('/healthz', async () => ({ status: 'ok' }))

process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0))
})
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
