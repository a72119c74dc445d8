import t from 'tap'
import { loadConfig } from '../src/config.js'
import { consoleSecurityPolicy } from '../src/console/plugin.js'
import { DEMO_PRINCIPALS } from '../src/demo.js'
import { TEST_SECRET, build } from './helper.js'

// The console's own operations: how it signs people in, and demo accounts only while the
// development secret is in use. Its pages are tested in Chromium (console.test.ts).

const demo = { accounts: DEMO_PRINCIPALS, secret: TEST_SECRET }

t.test('without the development secret: no demo accounts, no demo tokens, said as a 404 problem', async (t) => {
  const h = await build(t)
  const config = await h.app.inject({ url: '/v1/console/config' })
  t.same(config.json(), { demoSignIn: false, signIn: null })
  for (const res of [await h.app.inject({ url: '/v1/console/demo-accounts' }), await h.app.inject({ method: 'POST', url: '/v1/console/demo-sessions', payload: { sub: 'admin' } })]) {
    t.equal(res.statusCode, 404)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.match(res.json().message.en, /development secret/)
  }
})

t.test('with it: the accounts, a token for one that the API believes, and a clear 400 for one that is not', async (t) => {
  const h = await build(t, { console: { demo } })
  t.same((await h.app.inject({ url: '/v1/console/config' })).json(), { demoSignIn: true, signIn: null })
  const accounts = (await h.app.inject({ url: '/v1/console/demo-accounts' })).json().items
  t.same(accounts.map((a: { sub: string }) => a.sub), DEMO_PRINCIPALS.map((p) => p.sub), 'every demo account, in order')
  const session = await h.app.inject({ method: 'POST', url: '/v1/console/demo-sessions', payload: { sub: 'east-s1-c1.council' } })
  t.equal(session.statusCode, 201)
  const { token, principal, expiresAt } = session.json()
  t.same(principal, { sub: 'east-s1-c1.council', role: 'council', org: 'east-s1-c1', who: '东湖一社区居民议事会 chair' })
  t.ok(Date.parse(expiresAt) > Date.now() + 7 * 3600_000, 'a working day long')
  const me = await h.app.inject({ url: '/v1/console/session', headers: { authorization: `Bearer ${token}` } })
  t.same(me.json(), { sub: 'east-s1-c1.council', role: 'council', org: 'east-s1-c1' }, 'the gate reads the token as the account')
  t.equal((await h.app.inject({ url: '/v1/console/session' })).statusCode, 401, 'no token, no session')
  const unknown = await h.app.inject({ method: 'POST', url: '/v1/console/demo-sessions', payload: { sub: 'mallory' } })
  t.equal(unknown.statusCode, 400)
  t.equal(unknown.json().field, 'sub')
  t.equal((await h.app.inject({ method: 'POST', url: '/v1/console/demo-sessions', payload: { sub: 'admin', role: 'admin' } })).statusCode, 400, 'nothing but the account is taken')
})

t.test('the pages: the strict policy, cache rules, and a word instead of a bare 404 when the console is not built', async (t) => {
  const h = await build(t)
  const page = await h.app.inject({ url: '/' })
  t.equal(page.statusCode, 200)
  t.match(page.body, /<html lang="zh-CN">/)
  t.equal(page.headers['content-security-policy'], consoleSecurityPolicy(undefined))
  t.notMatch(String(page.headers['content-security-policy']), /script-src[^;]*unsafe-inline/, 'no inline script runs')
  t.equal(page.headers['cache-control'], 'no-cache', 'a new build is seen at once')
  const script = /src="\/(assets\/[^"]+\.js)"/.exec(page.body)![1]
  const asset = await h.app.inject({ url: `/${script}`, headers: { 'accept-encoding': 'br' } })
  t.equal(asset.headers['content-encoding'], 'br')
  t.match(String(asset.headers['cache-control']), /immutable/)
  t.equal((await h.app.inject({ url: '/assets/none.js' })).headers['content-type'], 'application/problem+json; charset=utf-8', 'what is not built is the API’s 404')

  const unbuilt = await build(t, { console: { root: t.testdir({}) } })
  const bare = await unbuilt.app.inject({ url: '/' })
  t.equal(bare.statusCode, 503)
  t.match(bare.body, /npm run build/)
  t.equal((await unbuilt.app.inject({ url: '/v1/console/config' })).statusCode, 200, 'the API works without the pages')
})

t.test('CONSOLE_CLIENT_ID: the console signs in at AUTH_ISSUER; the policy names the provider', async (t) => {
  const provider = { AUTH_ISSUER: 'https://id.city.example/realms/city', AUTH_AUDIENCE: 'https://gate.city.example' }
  t.notOk(loadConfig(provider).consoleSignIn, 'no console client unless configured')
  const signIn = loadConfig({ ...provider, CONSOLE_CLIENT_ID: 'zhunru-console' }).consoleSignIn
  t.same(signIn, { issuer: provider.AUTH_ISSUER, clientId: 'zhunru-console', audience: provider.AUTH_AUDIENCE, scope: 'openid' })
  t.equal(loadConfig({ ...provider, CONSOLE_CLIENT_ID: 'c', CONSOLE_SCOPE: 'openid api' }).consoleSignIn!.scope, 'openid api')
  t.throws(() => loadConfig({ CONSOLE_CLIENT_ID: 'zhunru-console' }), /AUTH_ISSUER/)
  t.throws(() => loadConfig({ AUTH_JWKS_URL: 'https://id.city.example/jwks', AUTH_AUDIENCE: 'x', CONSOLE_CLIENT_ID: 'c' }), /AUTH_ISSUER/, 'a bare key set has no sign-in page')
  t.throws(() => loadConfig({ ...provider, CONSOLE_CLIENT_ID: ' ' }), /CONSOLE_CLIENT_ID/)
  const policy = consoleSecurityPolicy(signIn)
  t.match(policy, /connect-src 'self' https:\/\/id\.city\.example;/)
  t.match(policy, /form-action 'self' https:\/\/id\.city\.example;/)
  const h = await build(t, { console: { signIn: signIn! } })
  t.same((await h.app.inject({ url: '/v1/console/config' })).json(), { demoSignIn: false, signIn })
  // An integrator registering the plugin may leave the scope out: the console asks for openid.
  const { scope: _scope, ...bare } = signIn!
  const embedded = await build(t, { console: { signIn: bare } })
  t.equal((await embedded.app.inject({ url: '/v1/console/config' })).json().signIn.scope, 'openid')
})
