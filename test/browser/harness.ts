import { AxeBuilder } from '@axe-core/playwright'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import type { Test } from 'tap'
import { DEMO_PRINCIPALS } from '../../src/demo.js'
import type { ConsoleOptions } from '../../src/console/plugin.js'
import { TEST_SECRET, build, type Harness } from '../helper.js'

/** Debian's Chromium (.ci/run installs it with fonts-noto-cjk); never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage']

export async function launch(t: Test): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS })
  t.teardown(() => browser.close())
  return browser
}

export interface ConsoleHarness extends Harness {
  base: string
  browser: Browser
  /** A fresh browser profile (its own session storage) at the console, in zh-CN, as a phone or a desk. */
  open: (path?: string, opts?: { width?: number; height?: number; locale?: string }) => Promise<Page>
  /** A profile signed in as a demo account through the picker, as a person would. */
  signIn: (sub: string, path?: string) => Promise<Page>
}

/**
 * The server listening on loopback with the console and its demo accounts (signed with the test
 * secret), and Chromium. Every page records the console errors and CSP refusals it meets.
 */
export async function consoleHarness(t: Test, opts: { console?: ConsoleOptions } = {}): Promise<ConsoleHarness> {
  // The real clock: the browser reads it too (today, working days left), and the two must agree.
  const h = await build(t, { now: () => new Date(), console: opts.console ?? { demo: { accounts: DEMO_PRINCIPALS, secret: TEST_SECRET } } })
  const address = await h.app.listen({ port: 0, host: '127.0.0.1' })
  const browser = await launch(t)
  const contexts: BrowserContext[] = []
  t.teardown(async () => {
    for (const c of contexts) await c.close()
  })
  const open = async (path = '/', o: { width?: number; height?: number; locale?: string } = {}) => {
    const context = await browser.newContext({ viewport: { width: o.width ?? 1280, height: o.height ?? 900 }, locale: o.locale ?? 'zh-CN', timezoneId: 'Asia/Shanghai' })
    contexts.push(context)
    const page = await context.newPage()
    // A refused call (4xx) is part of the work and the page shows it; the browser logs it as an
    // error all the same, so refusals are not errors here, and a 5xx always is.
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) t.fail(`console error on ${page.url()}: ${m.text()}`)
    })
    page.on('response', (r) => {
      if (r.status() >= 500) t.fail(`${r.request().method()} ${r.url()} answered ${r.status()}`)
      if (process.env.CONSOLE_TRACE === '1' && r.status() >= 400) console.error(r.status(), r.url())
    })
    page.on('pageerror', (e) => t.fail(`uncaught in the page ${page.url()}: ${e.message}`))
    await page.goto(`${address}${path}`)
    return page
  }
  const signIn = async (sub: string, path = '/#/sign-in') => {
    const page = await open(path)
    await page.getByRole('button', { name: new RegExp(`${sub.replace(/\./g, '\\.')}$`) }).click()
    await page.getByRole('button', { name: '退出' }).waitFor()
    return page
  }
  return { ...h, base: address, browser, open, signIn }
}

/** axe on the page as it stands: no serious or critical violation of WCAG 2.1 A and AA. */
export async function accessible(t: Test, page: Page, what: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  t.same(
    bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`),
    [],
    `${what}: no serious or critical accessibility violation`
  )
}

/** Today in China, or that many days from it, as the browser and the gate both count days. */
export const chinaDay = (offsetDays = 0) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + offsetDays * 86_400_000))

/** Opens the event's form from its button, fills it, confirms, and waits for the record to move. */
export async function act(page: Page, event: string, fill: (form: ReturnType<Page['locator']>) => Promise<void> = async () => {}) {
  await page.getByRole('button', { name: event, exact: true }).click()
  const form = page.locator('form.event-form').filter({ has: page.getByRole('heading', { name: event }) })
  await fill(form)
  await form.getByRole('button', { name: `确认: ${event}` }).click()
  await form.waitFor({ state: 'detached' })
}
