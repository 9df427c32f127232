import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { APIRequestContext } from '@playwright/test'
import { expect, test } from './kit'
import { TEST_AUTH_SECRET } from './fixtures/env'
import { startWebApp } from './fixtures/servers'

/**
 * Sign-in and sign-up throttling (README, "Throttling") and where sign-in may
 * send people afterwards, through the real next-auth route in `next start`.
 */

/** One password sign-in as the form makes it: next-auth's CSRF token, then the credentials callback. */
async function postCredentials(
  request: APIRequestContext,
  email: string,
  password: string,
  { headers = {}, callbackUrl }: { headers?: Record<string, string>; callbackUrl?: string } = {},
) {
  const { csrfToken } = (await (await request.get('/api/auth/csrf', { headers })).json()) as { csrfToken: string }
  const form: Record<string, string> = { email, password, csrfToken, json: 'true' }
  if (callbackUrl) form.callbackUrl = callbackUrl
  const response = await request.post('/api/auth/callback/credentials', { form, headers, maxRedirects: 0 })
  return { status: response.status(), retryAfter: response.headers()['retry-after'], body: (await response.json().catch(() => null)) as { url?: string } | null }
}

test.describe('sign-in throttling', () => {
  test('eleven wrong passwords for one account: from the sixth on, 429 with Retry-After, and the form says how long to wait', async ({
    actor,
  }) => {
    const alice = await actor('Alice')
    const mallory = await actor('Mallory', { signUp: false })

    const answers = []
    for (let i = 0; i < 11; i++) answers.push(await postCredentials(mallory.context.request, alice.email, `guess number ${i}`))
    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429, 429])
    for (const answer of answers.slice(5)) {
      expect(Number(answer.retryAfter)).toBeGreaterThan(14 * 60)
      expect(Number(answer.retryAfter)).toBeLessThanOrEqual(15 * 60)
    }

    // The account waits, from any address and with the right password too: the check comes first.
    await alice.home.signOut()
    await alice.signInPage.signIn(alice.email, alice.password)
    await expect(alice.page.getByRole('alert').filter({ hasText: 'Too many attempts' })).toHaveText('Too many attempts, try again in 15 minutes.')
    await expect(alice.page.getByRole('button', { name: 'Sign in' })).toBeEnabled()
    // Other accounts don't: Mallory's address has five failures, far from its limit.
    const bob = await actor('Bob')
    await bob.home.signOut()
    await bob.signInPage.signIn(bob.email, bob.password)
    await expect(bob.home.heading).toBeVisible()
  })

  test('twenty failures from one address lock it out for every email; other addresses sign in', async ({ actor }) => {
    const mallory = await actor('Mallory', { signUp: false })
    const carol = await actor('Carol')
    for (let i = 0; i < 20; i++) {
      expect((await postCredentials(mallory.context.request, `guess-${i}-${mallory.email}`, 'password123')).status).toBe(401)
    }
    const next = await postCredentials(mallory.context.request, carol.email, carol.password)
    expect(next.status).toBe(429)
    expect(Number(next.retryAfter)).toBeGreaterThan(0)
    // Carol, from her own address, is not held up by Mallory.
    expect((await postCredentials(carol.context.request, carol.email, carol.password)).status).toBe(200)
  })

  test('behind a proxy, an X-Forwarded-For the client wrote itself counts against the client, not the address it names', async ({
    actor,
  }) => {
    const victim = await actor('Victor')
    const mallory = await actor('Mallory', { signUp: false })
    // Mallory sends "X-Forwarded-For: <Victor's address>"; the proxy appends Mallory's own.
    const spoofed = { 'x-forwarded-for': `${victim.clientAddress}, ${mallory.clientAddress}` }
    for (let i = 0; i < 20; i++) {
      expect((await postCredentials(mallory.context.request, `guess-${i}-${mallory.email}`, 'password123', { headers: spoofed })).status).toBe(401)
    }
    expect((await postCredentials(mallory.context.request, `guess-x-${mallory.email}`, 'password123', { headers: spoofed })).status).toBe(429)
    expect((await postCredentials(victim.context.request, victim.email, victim.password)).status).toBe(200)
  })

  test('without a trusted proxy, X-Forwarded-For is ignored: rotating it does not escape the address limit', async ({
    playwright,
    syncServer,
  }, testInfo) => {
    test.setTimeout(120_000)
    // A web app of its own, as `npm start` runs it: no TRUST_PROXY, every request from 127.0.0.1.
    const dataDir = mkdtempSync(path.join(process.env.E2E_RUN_DIR ?? tmpdir(), 'no-proxy-'))
    const app = await startWebApp({
      dataDir,
      authSecret: TEST_AUTH_SECRET,
      syncPort: syncServer.port,
      logFile: testInfo.outputPath('web-no-proxy.log'),
      env: { TRUST_PROXY: '' },
    })
    const request = await playwright.request.newContext({ baseURL: app.url })
    try {
      const forged = (i: number) => ({ 'x-forwarded-for': `198.51.100.${i}`, 'x-tandem-peer-address': `198.51.100.${i}` })
      for (let i = 0; i < 20; i++) expect((await postCredentials(request, `user-${i}@e2e.test`, 'password123', { headers: forged(i) })).status).toBe(401)
      expect((await postCredentials(request, 'fresh@e2e.test', 'password123', { headers: forged(99) })).status).toBe(429)
    } finally {
      await request.dispose()
      await app.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

test.describe('sign-up throttling', () => {
  test('ten accounts per address an hour; the eleventh is refused with how long to wait', async ({ actor }) => {
    test.setTimeout(120_000)
    const sam = await actor('Sam', { signUp: false })
    const signUp = async (i: number) => {
      await sam.signUpPage.goto()
      await sam.signUpPage.fill({ name: `${sam.name} ${i}`, email: `${i}-${sam.email}`, password: sam.password })
      await sam.signUpPage.submit()
    }
    for (let i = 1; i <= 10; i++) {
      await signUp(i)
      await expect(sam.home.heading).toBeVisible()
      await sam.home.signOut()
    }
    await signUp(11)
    await expect(sam.page.getByRole('alert').filter({ hasText: 'Too many attempts' })).toHaveText(/^Too many attempts, try again in (59|60) minutes\.$/)
    await expect(sam.page.getByRole('button', { name: 'Create account' })).toBeEnabled()
    // Someone elsewhere still can.
    await actor('Tina')
  })
})

test.describe('where sign-in leads', () => {
  // Ways off-site in a `callbackUrl` query parameter, raw as a crafted link has them (the unit test of
  // components/auth/safeCallbackUrl.ts holds the full list): tab, newline, encoded slash, encoded backslash.
  const CRAFTED = ['/%09/evil.example', '/%0A/evil.example', '/%2F/evil.example', '/%5Cevil.example']

  test('after signing in, a crafted callbackUrl leads home, never off-site', async ({ actor, baseURL }) => {
    const alice = await actor('Alice')
    const offSite: string[] = []
    await alice.context.route(
      (url) => url.hostname.endsWith('evil.example'),
      async (route) => {
        offSite.push(route.request().url())
        await route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>Evil</h1>' })
      },
    )
    for (const callbackUrl of CRAFTED) {
      await alice.home.signOut()
      await alice.page.goto(`/signin?callbackUrl=${callbackUrl}`)
      await alice.signInPage.signIn(alice.email, alice.password)
      await alice.page.waitForURL((url) => !url.pathname.startsWith('/signin'))
      expect(alice.page.url(), callbackUrl).toBe(`${baseURL}/`)
      await expect(alice.home.heading).toBeVisible()
      // Already signed in, the sign-in page redirects at once: the same rule.
      await alice.page.goto(`/signin?callbackUrl=${callbackUrl}`)
      await expect(alice.home.heading).toBeVisible()
      expect(alice.page.url(), callbackUrl).toBe(`${baseURL}/`)
    }
    expect(offSite).toEqual([])
  })

  test("next-auth's own redirect follows the same rule", async ({ actor, baseURL }) => {
    const alice = await actor('Alice')
    const good = await postCredentials(alice.context.request, alice.email, alice.password, { callbackUrl: '/d/abc?x=1' })
    expect(good.body?.url).toBe(`${baseURL}/d/abc?x=1`)
    for (const callbackUrl of ['/\t/evil.example', '/%09/evil.example', '//evil.example', 'https://evil.example/', `${baseURL}.evil.example/`]) {
      const answer = await postCredentials(alice.context.request, alice.email, alice.password, { callbackUrl })
      expect(answer.status, callbackUrl).toBe(200)
      expect(answer.body?.url, callbackUrl).toBe(`${baseURL}/`)
    }
  })
})
