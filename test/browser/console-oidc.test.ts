import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair } from 'jose'
import Provider from 'oidc-provider'
import type { Page } from 'playwright-core'
import t, { type Test } from 'tap'
import { launch } from './harness.js'
import { build } from '../helper.js'

// Signing in to the console with the city's identity provider, end to end: a real OpenID provider
// (oidc-provider) on loopback with the console as a public client (authorization code, PKCE), its
// own login and consent pages, and Chromium going there and back. The gate believes only the
// provider: no HS256 secret, no demo accounts.

// What test/oidc-provider.d.ts leaves out and this test needs: accounts, interactions, CORS, PKCE.
declare module 'oidc-provider' {
  interface Configuration {
    findAccount?: (ctx: unknown, id: string) => Promise<{ accountId: string; claims: () => Promise<Record<string, unknown>> } | undefined>
    interactions?: { url: (ctx: unknown, interaction: { uid: string }) => string }
    clientBasedCORS?: (ctx: unknown, origin: string, client: { clientId: string }) => boolean
    pkce?: { required: () => boolean }
    cookies?: { keys: string[] }
  }
}

interface InteractionDetails {
  uid: string
  prompt: { name: string; details: { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> } }
  params: Record<string, string | undefined>
  session?: { accountId: string }
  grantId?: string
}

interface Grant {
  addOIDCScope(scope: string): void
  addOIDCClaims(claims: string[]): void
  addResourceScope(resource: string, scope: string): void
  save(): Promise<string>
}

/** The provider's interaction API, which the shared declarations do not type (a default-exported class takes no augmentation). */
interface Interactions {
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>
  interactionFinished(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, opts: { mergeWithLastSubmission: boolean }): Promise<void>
  Grant: { new (init: { accountId: string; clientId: string }): Grant; find(id: string): Promise<Grant | undefined> }
}

const AUDIENCE = 'https://gate.city.example'
const CLIENT_ID = 'zhunru-console'
const ACCOUNTS: Record<string, { password: string; role: string; org: string }> = {
  'li.min': { password: 'correct horse battery staple', role: 'department', org: 'city-civil' }
}

const html = (title: string, body: string) =>
  `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`

async function form(req: IncomingMessage): Promise<URLSearchParams> {
  let body = ''
  for await (const chunk of req) body += chunk
  return new URLSearchParams(body)
}

/**
 * The city's login and consent pages, as a provider deployment writes its own: oidc-provider only
 * says which prompt is pending and takes the result.
 */
function interactions(provider: Provider & Interactions, next: RequestListener): RequestListener {
  const page = (res: ServerResponse, status: number, title: string, body: string) =>
    void res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html(title, body))
  const loginForm = (uid: string, error = '') =>
    `${error && `<p role="alert">${error}</p>`}<form method="post" action="/interaction/${uid}/login">` +
    '<p><label>账号 <input name="login" autocomplete="username" required></label></p>' +
    '<p><label>密码 <input name="password" type="password" autocomplete="current-password" required></label></p>' +
    '<p><button type="submit">登录</button></p></form>' +
    `<form method="post" action="/interaction/${uid}/abort"><button type="submit">取消</button></form>`
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const [, uid, action] = new URL(req.url!, 'http://provider').pathname.match(/^\/interaction\/([\w-]+)(?:\/(login|consent|abort))?$/) ?? []
    const details = await provider.interactionDetails(req, res)
    if (details.uid !== uid) return page(res, 400, '请求无效', '<p>登录请求已失效。</p>')
    if (req.method === 'GET' && details.prompt.name === 'login') return page(res, 200, '统一身份认证', loginForm(uid))
    if (req.method === 'GET' && details.prompt.name === 'consent') {
      return page(res, 200, '授权确认', `<p>准入控制台请求以你的身份访问 ${AUDIENCE}。</p><form method="post" action="/interaction/${uid}/consent"><button type="submit">同意</button></form>`)
    }
    if (req.method === 'POST' && action === 'login' && details.prompt.name === 'login') {
      const body = await form(req)
      const login = body.get('login') ?? ''
      if (ACCOUNTS[login]?.password !== body.get('password')) return page(res, 401, '统一身份认证', loginForm(uid, '账号或密码不正确。'))
      return provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false })
    }
    if (req.method === 'POST' && action === 'abort') {
      return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'the person cancelled the sign-in' }, { mergeWithLastSubmission: false })
    }
    if (req.method === 'POST' && action === 'consent' && details.prompt.name === 'consent') {
      const { prompt, grantId, session, params } = details
      const grant = (grantId === undefined ? undefined : await provider.Grant.find(grantId)) ?? new provider.Grant({ accountId: session!.accountId, clientId: params.client_id! })
      if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '))
      if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims)
      for (const [resource, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '))
      return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true })
    }
    page(res, 400, '请求无效', '<p>无法处理此请求。</p>')
  }
  return (req, res) => {
    if (!req.url!.startsWith('/interaction/')) return next(req, res)
    handle(req, res).catch((e: Error) => page(res, 500, '出错了', `<p>${e.message.replace(/[<&]/g, '')}</p>`))
  }
}

interface World {
  base: string
  issuer: string
  app: Awaited<ReturnType<typeof build>>['app']
  /** A fresh browser profile at the console, failing the test on any console error or uncaught exception. */
  open: (path: string) => Promise<Page>
}

/**
 * The provider's address comes first, since the gate and the console are configured with it; its
 * client's redirect URI needs the console's, known only once the app listens. The provider is made
 * then and put behind the server already listening.
 */
async function world(t: Test): Promise<World> {
  let handler: RequestListener = (_req, res) => void res.writeHead(503).end()
  const server = createServer((req, res) => handler(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    server.closeAllConnections()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  })
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const { app } = await build(t, { identityProvider: { issuer, audience: AUDIENCE }, hs256: false, console: { signIn: { issuer, clientId: CLIENT_ID, audience: AUDIENCE } } })
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  const consoleOrigin = new URL(base).origin

  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const provider = new Provider(issuer, {
    clients: [{ client_id: CLIENT_ID, token_endpoint_auth_method: 'none', redirect_uris: [`${base}/`], grant_types: ['authorization_code'], response_types: ['code'] }],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: ['console-oidc-test-cookie-key'] },
    findAccount: async (_ctx, id) => (ACCOUNTS[id] === undefined ? undefined : { accountId: id, claims: async () => ({ sub: id }) }),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // The browser exchanges the code itself: the token endpoint must answer the console's origin, and only it.
    clientBasedCORS: (_ctx, origin, client) => client.clientId === CLIENT_ID && origin === consoleOrigin,
    pkce: { required: () => true },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => ({ scope: 'api', audience: resource, accessTokenTTL: 600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } })
      }
    },
    // The role and org the gate reads, from the account the token is for. The shared declaration types this without
    // arguments; the provider passes ctx and the token.
    extraTokenClaims: async (...args: unknown[]) => {
      const account = ACCOUNTS[(args[1] as { accountId?: string }).accountId ?? '']
      return account === undefined ? undefined : { role: account.role, org: account.org }
    }
  }) as Provider & Interactions
  handler = interactions(provider, provider.callback())

  const browser = await launch(t)
  const open = async (path: string) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    t.teardown(() => context.close())
    const page = await context.newPage()
    page.on('console', (m) => {
      if (m.type() === 'error') t.fail(`console error on ${page.url()}: ${m.text()}`)
    })
    page.on('pageerror', (e) => t.fail(`uncaught in the page ${page.url()}: ${e.message}`))
    await page.goto(`${base}${path}`)
    return page
  }
  return { base, issuer, app, open }
}

/** At the provider's pages, as the person would: the login form, then the consent a first sign-in asks for. */
async function logInAtProvider(page: Page, issuer: string) {
  await page.waitForURL((url) => url.origin === issuer && url.pathname.startsWith('/interaction/'))
  await page.getByLabel('账号').fill('li.min')
  await page.getByLabel('密码').fill(ACCOUNTS['li.min']!.password)
  await page.getByRole('button', { name: '登录' }).click()
  await page.getByRole('button', { name: '同意' }).click()
}

const providerButton = (page: Page) => page.getByRole('button', { name: '使用本市统一身份认证登录' })

t.test('a department official signs in at the city’s provider and works with its token', async (t) => {
  const w = await world(t)
  const config = await w.app.inject({ method: 'GET', url: '/v1/console/config' })
  t.same(config.json(), { demoSignIn: false, signIn: { issuer: w.issuer, clientId: CLIENT_ID, audience: AUDIENCE, scope: 'openid' } })
  t.equal((await w.app.inject({ method: 'GET', url: '/v1/console/demo-accounts' })).statusCode, 404, 'no demo accounts beside a provider')
  const csp = String((await w.app.inject({ method: 'GET', url: '/' })).headers['content-security-policy'])
  const directive = (name: string) => csp.split(';').map((d) => d.trim().split(/\s+/)).find(([n]) => n === name)?.slice(1) ?? []
  t.ok(directive('connect-src').includes(w.issuer), `connect-src names the provider: ${csp}`)

  const page = await w.open('/#/sign-in')
  await providerButton(page).waitFor()
  t.equal(await page.getByText('演示账户').count(), 0, 'no demo accounts on the page')
  await providerButton(page).click()
  await logInAtProvider(page, w.issuer)

  const header = page.locator('header')
  await header.getByRole('button', { name: '退出' }).waitFor()
  t.match(await header.locator('.who').innerText(), /li\.min.*city-civil/s, 'the header names the principal the gate read from the token')
  t.equal(new URL(page.url()).search, '', 'the code and state are gone from the address')
  const session = await page.evaluate(() => JSON.parse(sessionStorage.getItem('zhunru.session') ?? 'null'))
  t.match(session, { via: 'provider', principal: { sub: 'li.min', role: 'department', org: 'city-civil' } }, 'the tab’s session is the provider’s, as the gate read it')
  const claims = JSON.parse(Buffer.from(session.token.split('.')[1], 'base64url').toString())
  t.match(claims, { iss: w.issuer, aud: AUDIENCE, sub: 'li.min', role: 'department', org: 'city-civil', client_id: CLIENT_ID }, 'a JWT access token of the provider for the gate')

  await header.getByRole('link', { name: '我的任务' }).click()
  await page.getByRole('heading', { name: '我的任务' }).waitFor()
  // Only a token the gate takes lists the department's tasks; a refused one shows a problem instead.
  await page.getByText('还没有任务。').waitFor()
  t.equal(await page.getByRole('alert').count(), 0, 'no problem on the page')
})

t.test('a code returned with another state does not sign in, and is never exchanged', async (t) => {
  const w = await world(t)
  const page = await w.open('/#/sign-in')
  const exchanges: string[] = []
  page.on('request', (r) => {
    if (r.url() === `${w.issuer}/token`) exchanges.push(r.postData() ?? '')
  })
  // The provider's real answer, a code for this very sign-in, comes back with a state this tab never
  // sent, as a forged or swapped one would. Routes do not see the requests a redirect makes, so the
  // consent's redirects are followed here (with the profile's cookies) and the last one rewritten.
  await page.route(`${w.issuer}/interaction/*/consent`, async (route) => {
    let response = await route.fetch({ maxRedirects: 0 })
    let location = new URL(response.headers()['location']!, w.issuer)
    while (location.origin === w.issuer) {
      response = await page.request.get(location.toString(), { maxRedirects: 0 })
      location = new URL(response.headers()['location']!, w.issuer)
    }
    t.ok(location.searchParams.get('code'), 'the provider answered with a code')
    location.searchParams.set('state', 'forged')
    await route.fulfill({ status: 303, headers: { location: location.toString() } })
  })
  await providerButton(page).click()
  await logInAtProvider(page, w.issuer)
  await page.getByRole('alert').filter({ hasText: '不属于本页发起的登录' }).waitFor()
  t.equal(page.url(), `${w.base}/#/sign-in`, 'back at the sign-in page, the answer gone from the address')
  t.equal(await page.getByRole('button', { name: '退出' }).count(), 0, 'not signed in')
  t.equal(await page.evaluate(() => sessionStorage.getItem('zhunru.session')), null, 'no session kept')
  t.same(exchanges, [], 'the code was not taken to the token endpoint')

  // Signing in again from the same tab works: the provider remembers the login and the consent.
  await page.unroute(`${w.issuer}/interaction/*/consent`)
  await providerButton(page).click()
  await page.getByRole('button', { name: '退出' }).waitFor()
  t.equal(exchanges.length, 1, 'one exchange, for the new code')
})

t.test('cancelling at the provider comes back as a refusal the sign-in page says', async (t) => {
  const w = await world(t)
  const page = await w.open('/#/sign-in')
  await providerButton(page).click()
  await page.waitForURL((url) => url.origin === w.issuer)
  await page.getByRole('button', { name: '取消' }).click()
  await page.getByRole('alert').filter({ hasText: '身份认证服务未完成登录' }).waitFor()
  t.match(await page.getByRole('alert').innerText(), 'the person cancelled the sign-in', 'the provider’s own words')
  t.equal(page.url(), `${w.base}/#/sign-in`, 'back at the sign-in page')
  t.equal(await page.evaluate(() => sessionStorage.length), 0, 'neither a session nor a pending sign-in is left')
})
