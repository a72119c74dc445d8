import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { loadSession, saveSession, type Session } from './api'
import { L, language, roleName, setLanguage } from './i18n'
import { SignIn, completeProviderSignIn } from './pages/sign-in'
import { RegisterPage } from './pages/register'
import { DraftTask, MyTasks, TaskPage } from './pages/tasks'
import { ReviewQueue, WithdrawalRequests, BurdenReports } from './pages/reviews'
import { CommunityHome } from './pages/community'
import { DeliberationPage, Deliberations } from './pages/council'
import { EvaluationPage, Evaluations } from './pages/evaluations'
import { PolicyPage, OrgImportPage } from './pages/admin'
import './styles.css'

/** The route is the hash: the server serves one page, and every link stays a link. */
function useRoute(): string[] {
  const read = () => decodeURIComponent(location.hash.replace(/^#\/?/, '')).split('/').filter(Boolean)
  const [route, setRoute] = useState(read)
  useEffect(() => {
    const on = () => {
      setRoute(read())
      // A new page: focus its heading so a screen reader hears where it is.
      requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus())
    }
    addEventListener('hashchange', on)
    return () => removeEventListener('hashchange', on)
  }, [])
  return route
}

interface NavItem {
  href: string
  label: string
}

function navFor(s: Session | null): NavItem[] {
  const items: NavItem[] = [{ href: '#/register', label: L('公开目录', 'Public register') }]
  if (s === null) return items
  const r = s.principal.role
  const mine: NavItem[] = []
  if (r === 'department') mine.push({ href: '#/tasks/new', label: L('起草任务', 'Draft a task') }, { href: '#/tasks', label: L('我的任务', 'My tasks') })
  // The review queue is the office's (the API refuses it to admins); packs and the tree are the admins'.
  if (r === 'office') mine.push({ href: '#/reviews', label: L('审查队列', 'Review queue') })
  if (r === 'office' || r === 'admin') {
    mine.push(
      { href: '#/burden-reports', label: L('负担举报', 'Burden reports') },
      { href: '#/withdrawals', label: L('撤回请求', 'Withdrawal requests') },
      { href: '#/evaluations', label: L('双向评议', 'Evaluations') }
    )
  }
  if (r === 'admin') mine.push({ href: '#/policy', label: L('政策包', 'Policy pack') }, { href: '#/org-import', label: L('导入组织', 'Import the org tree') })
  if (r === 'leading_group') mine.push({ href: '#/reviews', label: L('审议议程', 'Agenda') })
  if (r === 'street' || r === 'community') {
    mine.push({ href: '#/community', label: L('准入事项与负担', 'Admitted work and burden') }, { href: '#/burden-reports', label: L('负担举报', 'Burden reports') }, { href: '#/evaluations', label: L('评议部门', 'Rate departments') })
  }
  if (r === 'community' || r === 'council') mine.push({ href: '#/deliberations', label: L('议事会事项', 'Council items') })
  return [...mine, ...items]
}

function Page({ route, session }: { route: string[]; session: Session | null }) {
  const [a, b] = route
  if (a === 'register' || (a === undefined && session === null)) return <RegisterPage tab={b ?? 'tasks'} />
  if (session === null || a === 'sign-in') return <SignIn />
  if (a === 'tasks' && b === 'new') return <DraftTask session={session} />
  if (a === 'tasks' && b) return <TaskPage id={b} session={session} />
  if (a === 'tasks') return <MyTasks session={session} />
  if (a === 'reviews') return <ReviewQueue session={session} />
  if (a === 'withdrawals') return <WithdrawalRequests />
  if (a === 'burden-reports') return <BurdenReports session={session} />
  if (a === 'community') return <CommunityHome session={session} />
  if (a === 'deliberations' && b) return <DeliberationPage id={b} session={session} />
  if (a === 'deliberations') return <Deliberations session={session} />
  if (a === 'evaluations' && b) return <EvaluationPage id={b} session={session} />
  if (a === 'evaluations') return <Evaluations session={session} />
  if (a === 'policy') return <PolicyPage />
  if (a === 'org-import') return <OrgImportPage />
  location.hash = navFor(session)[0]!.href
  return null
}

function App() {
  const route = useRoute()
  const [session, setSession] = useState<Session | null>(loadSession)
  const [, setLang] = useState(language.value)
  useEffect(() => {
    completeProviderSignIn().then((s) => {
      if (s !== null) setSession(s)
    })
    const signedIn = () => setSession(loadSession())
    addEventListener('zhunru:session', signedIn)
    return () => removeEventListener('zhunru:session', signedIn)
  }, [])
  const switchTo = (l: 'zh' | 'en') => {
    setLanguage(l)
    setLang(l)
  }
  const signOut = () => {
    saveSession(null)
    setSession(null)
    location.hash = '#/register'
  }
  const nav = navFor(session)
  const here = `#/${route.join('/')}`
  return (
    <>
      <a class="skip" href="#main">
        {L('跳到正文', 'Skip to content')}
      </a>
      <header class="top">
        <p class="brand">
          <a href="#/">{L('准入 · 社区工作准入', 'zhunru · community work admission')}</a>
        </p>
        <nav aria-label={L('主导航', 'Main')}>
          <ul>
            {nav.map((n) => (
              <li key={n.href}>
                <a href={n.href} aria-current={here === n.href || here.startsWith(`${n.href}/`) ? 'page' : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          {session === null ? (
            <a href="#/sign-in" class="button">
              {L('登录', 'Sign in')}
            </a>
          ) : (
            <>
              <span>
                {session.principal.who ?? session.principal.sub} · {roleName(session.principal.role)} · <code>{session.principal.org}</code>
              </span>{' '}
              <button type="button" onClick={signOut}>
                {L('退出', 'Sign out')}
              </button>
            </>
          )}{' '}
          <button type="button" lang={language.value === 'zh' ? 'en' : 'zh-CN'} onClick={() => switchTo(language.value === 'zh' ? 'en' : 'zh')}>
            {language.value === 'zh' ? 'English' : '中文'}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Page key={`${here}|${language.value}|${session?.principal.sub ?? ''}`} route={route} session={session} />
      </main>
      <footer>
        <p>
          {L('接口文档', 'API documentation')}: <a href="/docs">/docs</a>
        </p>
      </footer>
    </>
  )
}

document.documentElement.lang = language.value === 'zh' ? 'zh-CN' : 'en'
render(<App />, document.getElementById('app')!)
