import { connect } from 'node:net'
import { maxHeaderSize } from 'node:http'
import t, { type Test } from 'tap'
import { build } from './helper.js'

// What Node's HTTP parser refuses never becomes a request (app.inject cannot make one): these
// go over a real socket, as raw bytes, and read back what the server wrote before it hung up.

async function listening(t: Test) {
  const { app } = await build(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  return (app.server.address() as { port: number }).port
}

function exchange(port: number, bytes: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes))
    const chunks: Buffer[] = []
    socket.on('data', (c) => chunks.push(c))
    socket.on('error', reject)
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const [head, body] = [text.slice(0, text.indexOf('\r\n\r\n')), text.slice(text.indexOf('\r\n\r\n') + 4)]
      const [statusLine, ...lines] = head.split('\r\n')
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]))
      resolve({ status: Number(statusLine!.split(' ')[1]), headers, body })
    })
  })
}

t.test('header fields over the limit are a 431 problem+json, not Fastify’s plain JSON', async (t) => {
  const port = await listening(t)
  const res = await exchange(port, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: ${'a'.repeat(maxHeaderSize + 1)}\r\n\r\n`)
  t.equal(res.status, 431)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.equal(res.headers['x-content-type-options'], 'nosniff', 'with the headers helmet sets everywhere else')
  t.equal(Number(res.headers['content-length']), Buffer.byteLength(res.body))
  t.equal(res.headers['content-language'], 'en', 'no header was read, so none asked for Chinese')
  t.same(JSON.parse(res.body), {
    type: 'https://zhunru.example/problems/request-header-fields-too-large',
    title: 'Request header fields too large',
    status: 431,
    detail: `the request's header fields are over ${maxHeaderSize} bytes`,
    titles: { zh: '请求头字段过大', en: 'Request header fields too large' },
    message: { zh: `请求头字段超过${maxHeaderSize}字节`, en: `the request's header fields are over ${maxHeaderSize} bytes` }
  })
})

t.test('bytes that are not HTTP are a 400 problem+json', async (t) => {
  const port = await listening(t)
  const res = await exchange(port, 'HELLO THERE\r\n\r\n')
  t.equal(res.status, 400)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.match(JSON.parse(res.body), {
    type: 'https://zhunru.example/problems/bad-request',
    status: 400,
    detail: 'the request is not valid HTTP/1.1',
    message: { zh: '请求不是有效的HTTP/1.1报文', en: 'the request is not valid HTTP/1.1' }
  })
})

t.test('a client that resets the connection mid-request is let go, and the server answers the next one', async (t) => {
  const port = await listening(t)
  await new Promise<void>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n')
      setTimeout(() => socket.resetAndDestroy(), 50)
    })
    socket.on('close', () => setTimeout(resolve, 50))
  })
  const res = await exchange(port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
  t.equal(res.status, 200)
})
