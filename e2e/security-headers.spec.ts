import type { APIResponse } from '@playwright/test'
import { expect, test, type Actor } from './kit'

/**
 * The security headers on every page (proxy.ts, next.config.mjs), and the
 * editor working under its Content-Security-Policy with nothing blocked.
 */

function policyOf(response: APIResponse): Map<string, string[]> {
  const header = response.headers()['content-security-policy']
  expect(header, `CSP on ${response.url()}`).toBeTruthy()
  return new Map(header.split(';').map((directive) => directive.trim().split(/\s+/)).map(([name, ...values]) => [name, values] as const))
}

function expectSecurityHeaders(response: APIResponse, syncPort: number): string {
  const headers = response.headers()
  const policy = policyOf(response)
  const script = policy.get('script-src') ?? []
  const nonce = script.find((value) => value.startsWith("'nonce-"))
  expect(nonce, `script nonce on ${response.url()}`).toMatch(/^'nonce-[A-Za-z0-9+/]{22}=='$/)
  expect(script).toContain("'strict-dynamic'")
  expect(script).not.toContain("'unsafe-inline'")
  expect(script).not.toContain("'unsafe-eval'")
  expect(policy.get('connect-src')).toEqual(["'self'", `ws://127.0.0.1:${syncPort}`, `http://127.0.0.1:${syncPort}`])
  expect(policy.get('frame-ancestors')).toEqual(["'none'"])
  expect(policy.get('object-src')).toEqual(["'none'"])
  expect(policy.get('base-uri')).toEqual(["'self'"])
  expect(headers['x-content-type-options']).toBe('nosniff')
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin')
  expect(headers['x-powered-by']).toBeUndefined()
  // Plain http here: Strict-Transport-Security only over https.
  expect(headers['strict-transport-security']).toBeUndefined()
  return nonce!.slice("'nonce-".length, -1)
}

test.describe('security headers', () => {
  test('are on every page, signed in or not, with a fresh nonce that the page’s scripts carry', async ({ actor, playwright, baseURL, syncServer }) => {
    const alice = await actor('Alice')
    const documentId = await alice.home.newDocument()
    const signedOut = await playwright.request.newContext({ baseURL })
    try {
      const nonces = new Set<string>()
      const pages: Array<[typeof signedOut, string]> = [
        [alice.context.request, '/'],
        [alice.context.request, `/d/${documentId}`],
        [alice.context.request, '/no-such-page'],
        [signedOut, '/signin'],
        [signedOut, '/signup'],
        [signedOut, '/signin?callbackUrl=%2Fd%2Fx'],
      ]
      for (const [request, url] of pages) {
        const response = await request.get(url)
        const nonce = expectSecurityHeaders(response, syncServer.port)
        nonces.add(nonce)
        // Every script Next.js rendered into the page carries this request's nonce, and no other.
        const scripts = (await response.text()).match(/<script\b[^>]*>/g) ?? []
        expect(scripts.length, url).toBeGreaterThan(0)
        for (const tag of scripts) expect(tag, url).toContain(`nonce="${nonce}"`)
      }
      expect(nonces.size).toBe(pages.length)

      // Redirects too: a signed-out visit to / or a document, and the signed-in visit to /signin.
      for (const [request, url] of [[signedOut, '/'], [signedOut, `/d/${documentId}`], [alice.context.request, '/signin']] as const) {
        const response = await request.get(url, { maxRedirects: 0 })
        expect(response.status(), url).toBe(307)
        expectSecurityHeaders(response, syncServer.port)
      }

      // Static files: nosniff, no X-Powered-By.
      const html = await (await signedOut.get('/signin')).text()
      const chunk = html.match(/\/_next\/static\/[^"]+\.js/)![0]
      const asset = await signedOut.get(chunk)
      expect(asset.status()).toBe(200)
      expect(asset.headers()['x-content-type-options']).toBe('nosniff')
      expect(asset.headers()['x-powered-by']).toBeUndefined()

      // Behind a TLS-terminating proxy: HSTS, and the sync server over wss.
      const https = await signedOut.get('/signin', { headers: { 'x-forwarded-proto': 'https' } })
      expect(https.headers()['strict-transport-security']).toBe('max-age=63072000')
      expect(policyOf(https).get('connect-src')).toEqual(["'self'", `wss://127.0.0.1:${syncServer.port}`, `https://127.0.0.1:${syncServer.port}`])
    } finally {
      await signedOut.dispose()
    }
  })
})

/** Collects every CSP violation (the DOM event, and the console's "Refused to …") in an actor's pages, across navigations. */
async function recordCspViolations(actor: Actor): Promise<string[]> {
  const violations: string[] = []
  await actor.context.exposeBinding('__tandemReportCspViolation', (_source, report: string) => {
    violations.push(report)
  })
  await actor.context.addInitScript(() => {
    document.addEventListener(
      'securitypolicyviolation',
      (event) => {
        const report = (window as unknown as { __tandemReportCspViolation: (report: string) => void }).__tandemReportCspViolation
        report(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber} ${event.sample}`)
      },
      true,
    )
  })
  actor.context.on('console', (message) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(message.text())) violations.push(`console: ${message.text()}`)
  })
  return violations
}

test.describe('the editor under the Content-Security-Policy', () => {
  test('signing in, editing together, carets and sharing run with no violation at all', async ({ actor }) => {
    const alice = await actor('Alice', { signUp: false })
    const bob = await actor('Bob', { signUp: false })
    const carol = await actor('Carol', { signUp: false })
    const seen = { alice: await recordCspViolations(alice), bob: await recordCspViolations(bob), carol: await recordCspViolations(carol) }

    await Promise.all([alice.signUp(), bob.signUp(), carol.signUp()])
    await alice.home.signOut()
    await alice.signIn()
    const documentId = await alice.home.newDocument()
    await alice.editor.waitUntilLive()
    const share = await alice.editor.openShareDialog()
    await share.invite(bob.email, 'Editor')
    const link = await share.createLink('Viewer')
    await share.close()

    await bob.open(documentId)
    await alice.editor.typeAtEnd('Hello from Alice. ')
    await bob.editor.typeAtEnd('Hello from Bob.')
    await alice.editor.format('Bold')
    await expect(alice.editor.caretLabel(bob.name)).toBeVisible()
    await expect(bob.editor.caretLabel(alice.name)).toBeVisible()
    await bob.editor.expectText('Hello from Alice. Hello from Bob.')

    // The share link's page and its Join button, then the document as a viewer.
    await carol.page.goto(link)
    await carol.page.getByRole('button', { name: 'Join' }).click()
    await carol.editor.waitUntilLive()
    await carol.editor.expectText('Hello from Bob.')

    // Tiptap's stylesheet made it in (by the nonce), and the page really is under the policy:
    await expect(alice.page.locator('style[data-tiptap-style]')).toHaveCount(1)
    expect(seen).toEqual({ alice: [], bob: [], carol: [] })

    // … which the recorder would have seen: a stylesheet without the nonce, and eval, are blocked and reported.
    await alice.page.evaluate(() => {
      const style = document.createElement('style')
      style.textContent = 'body { display: none }'
      document.head.append(style)
      // A string evaluated as code: what 'unsafe-eval' (absent) would allow.
      setTimeout('window.__tandemEvaluated = true')
    })
    await expect.poll(() => seen.alice.join('\n')).toContain('style-src-elem')
    await expect.poll(() => seen.alice.join('\n')).toContain('script-src')
    await expect(alice.editor.editor).toBeVisible()
    expect(await alice.page.evaluate(() => (window as unknown as { __tandemEvaluated?: boolean }).__tandemEvaluated)).toBeUndefined()
  })
})
