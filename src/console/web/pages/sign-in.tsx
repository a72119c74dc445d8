import { useState } from 'preact/hooks'
import { api, call, saveSession, type Session } from '../api'
import { Loading, ProblemView, asProblem, useLoad } from '../components'
import { L, roleName } from '../i18n'
import type { Problem } from '../api'

const PKCE_KEY = 'zhunru.pkce'

const b64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
const random = (n: number) => b64url(crypto.getRandomValues(new Uint8Array(n)))

interface Discovery {
  authorization_endpoint: string
  token_endpoint: string
}

async function discover(issuer: string): Promise<Discovery> {
  const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`)
  if (!res.ok) throw new Error(`${issuer}: ${res.status}`)
  return (await res.json()) as Discovery
}

const redirectUri = () => `${location.origin}/`

function announce(s: Session) {
  saveSession(s)
  dispatchEvent(new Event('zhunru:session'))
}

interface Pending {
  verifier: string
  state: string
  signIn: { issuer: string; clientId: string; audience: string }
  tokenEndpoint: string
  /** Where the person was when they chose to sign in. */
  back: string
}

/** Authorization code with PKCE: the browser holds the verifier; the provider never sees a secret. */
async function startProviderSignIn(signIn: { issuer: string; clientId: string; audience: string; scope: string }) {
  const d = await discover(signIn.issuer)
  const verifier = random(48)
  const state = random(16)
  const challenge = b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))))
  // From the sign-in page itself, back is the start: coming back to a sign-in page once signed in would say nothing.
  const back = location.hash === '' || location.hash === '#/sign-in' ? '#/' : location.hash
  const pending: Pending = { verifier, state, signIn, tokenEndpoint: d.token_endpoint, back }
  sessionStorage.setItem(PKCE_KEY, JSON.stringify(pending))
  const url = new URL(d.authorization_endpoint)
  for (const [k, v] of Object.entries({
    response_type: 'code',
    client_id: signIn.clientId,
    redirect_uri: redirectUri(),
    scope: signIn.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    resource: signIn.audience
  })) {
    url.searchParams.set(k, v)
  }
  location.assign(url.toString())
}

/** Why the last answer from the provider did not sign in, for the sign-in page to say once. */
let failure: Problem | null = null

const notSignedIn = (zh: string, en: string): Problem => ({ type: 'about:blank', title: en, status: 0, detail: en, titles: { zh: '未能登录', en: 'Not signed in' }, message: { zh, en } })

/** The address without the provider's answer; replaceState fires no hashchange, so the router is told. */
function settle(hash: string) {
  history.replaceState(null, '', `/${hash}`)
  dispatchEvent(new HashChangeEvent('hashchange'))
}

/** Back from the provider: trade the code for a token, and ask the gate whom it names. */
export async function completeProviderSignIn(): Promise<Session | null> {
  const params = new URLSearchParams(location.search)
  const code = params.get('code')
  const error = params.get('error')
  if (code === null && error === null) return null
  // The code leaves the address (and the history) before anything else is done with it.
  history.replaceState(null, '', '/')
  const stored = sessionStorage.getItem(PKCE_KEY)
  sessionStorage.removeItem(PKCE_KEY)
  const fail = (problem: Problem) => {
    failure = problem
    settle('#/sign-in')
    return null
  }
  const p = stored === null ? null : (JSON.parse(stored) as Pending)
  // An answer to a sign-in this tab did not start (a forged link, another tab's, a replay) is never redeemed.
  if (p === null || params.get('state') !== p.state) {
    return fail(notSignedIn('身份认证服务返回的结果不属于本页发起的登录，已忽略。请重新登录。', 'The identity provider’s answer does not belong to a sign-in started here and was ignored. Sign in again.'))
  }
  // RFC 9207: the provider names itself in its answer; one naming another issuer is not taken for its.
  const iss = params.get('iss')
  if (iss !== null && iss !== p.signIn.issuer) {
    return fail(notSignedIn(`结果来自另一个身份认证服务（${iss}），已忽略。`, `The answer came from another identity provider (${iss}) and was ignored.`))
  }
  if (code === null) {
    const why = params.get('error_description') ?? error ?? ''
    return fail(notSignedIn(`身份认证服务未完成登录：${why}`, `The identity provider did not sign you in: ${why}`))
  }
  let session: Session
  try {
    const res = await fetch(p.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri(), client_id: p.signIn.clientId, code_verifier: p.verifier, resource: p.signIn.audience })
    })
    const body = (await res.json()) as { access_token?: string; expires_in?: number; error?: string; error_description?: string }
    if (!res.ok || body.access_token === undefined) {
      const why = body.error_description ?? body.error ?? String(res.status)
      return fail(notSignedIn(`身份认证服务未签发令牌：${why}`, `The identity provider issued no token: ${why}`))
    }
    const token = body.access_token
    const principal = await call(api.GET('/v1/console/session', { headers: { authorization: `Bearer ${token}` } }))
    session = { token, principal, expiresAt: body.expires_in === undefined ? null : new Date(Date.now() + body.expires_in * 1000).toISOString(), via: 'provider' }
  } catch (e) {
    // The gate refusing the provider's token (its audience, its claims) says why in its problem.
    return fail(asProblem(e))
  }
  announce(session)
  settle(p.back)
  return session
}

export function SignIn() {
  const config = useLoad(() => call(api.GET('/v1/console/config')), [])
  const [problem, setProblem] = useState<Problem | null>(() => {
    const last = failure
    failure = null
    return last
  })
  if (config.data === null) return <Loading problem={config.problem} />
  const { demoSignIn, signIn } = config.data
  return (
    <section>
      <h1 tabIndex={-1}>{L('登录', 'Sign in')}</h1>
      {signIn !== null && (
        <p>
          <button type="button" class="primary" onClick={() => startProviderSignIn(signIn).catch((e) => setProblem(asProblem(e)))}>
            {L('使用本市统一身份认证登录', 'Sign in with the city’s identity provider')}
          </button>
        </p>
      )}
      <ProblemView problem={problem} />
      {demoSignIn ? <DemoAccounts /> : signIn === null && <p>{L('本服务器未配置登录方式，请联系管理员。', 'No sign-in is configured on this server; ask its operator.')}</p>}
    </section>
  )
}

function DemoAccounts() {
  const accounts = useLoad(() => call(api.GET('/v1/console/demo-accounts')), [])
  const [problem, setProblem] = useState<Problem | null>(null)
  if (accounts.data === null) return <Loading problem={accounts.problem} />
  const pick = async (sub: string) => {
    try {
      const s = await call(api.POST('/v1/console/demo-sessions', { body: { sub } }))
      announce({ token: s.token, principal: s.principal, expiresAt: s.expiresAt, via: 'demo' })
      // Signed in on the way to a page: stay on it; from the sign-in page itself, go to one's work.
      if (location.hash.startsWith('#/sign-in')) location.hash = '#/'
    } catch (e) {
      setProblem(asProblem(e))
    }
  }
  return (
    <div>
      <h2>{L('演示账户', 'Demo accounts')}</h2>
      <p class="warning" role="note">
        {L('本服务器正在使用公开的开发密钥：任何人都可以以下列身份登录。部署前请设置 JWT_SECRET 或配置身份认证服务。', 'This server uses the public development secret: anyone may sign in as these accounts. Set JWT_SECRET or configure an identity provider before deploying.')}
      </p>
      <ProblemView problem={problem} />
      <ul class="accounts">
        {accounts.data.items.map((a) => (
          <li key={a.sub}>
            <button type="button" onClick={() => pick(a.sub)}>
              <strong>{a.who}</strong>
              <span>
                {roleName(a.role)} · <code>{a.org}</code> · <code>{a.sub}</code>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  )
}
