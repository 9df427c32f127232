import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('server-only', () => ({}))
const { createTestDb } = await import('../../testkit/appDb')
const { throttleCredentialsSignIn } = await import('./credentialsSignIn')

/**
 * The throttle's side of the credentials callback, on a real database. What
 * next-auth answers is played by `answer` (its real answers are exercised
 * end to end in e2e/security-auth.spec.ts).
 */
describe('throttling in front of the credentials callback', () => {
  let t: Awaited<ReturnType<typeof createTestDb>>
  beforeEach(async () => {
    t = await createTestDb()
  })
  afterEach(async () => {
    await t.cleanup()
  })

  const post = (email: string, forwardedFor: string, json = false) =>
    new Request('http://app.test/api/auth/callback/credentials', {
      method: 'POST',
      headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded', 'x-forwarded-for': forwardedFor },
      body: json ? JSON.stringify({ email, password: 'guess' }) : new URLSearchParams({ email, password: 'guess', json: 'true' }),
    })
  const wrongPassword = () => Promise.resolve(new Response('{"url":"http://app.test/signin?error=CredentialsSignin"}', { status: 401 }))
  const signedIn = () =>
    Promise.resolve(new Response('{"url":"http://app.test/"}', { status: 200, headers: { 'set-cookie': 'next-auth.session-token=abc; Path=/; HttpOnly' } }))

  it('answers 429 with Retry-After from the sixth try for one email, without asking next-auth', async () => {
    const answer = vi.fn(wrongPassword)
    const throttle = { db: t.db, trustProxyHops: 1 }
    for (let i = 0; i < 5; i++) {
      expect((await throttleCredentialsSignIn(post('Ada@example.test', `198.51.100.${i}`), throttle, answer)).status).toBe(401)
    }
    const refused = await throttleCredentialsSignIn(post('ada@example.test', '198.51.100.9', true), throttle, answer)
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(14 * 60)
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60)
    expect(await refused.json()).toMatchObject({ error: 'TooManyAttempts', url: '/signin?error=TooManyAttempts' })
    expect(answer).toHaveBeenCalledTimes(5)
    // Even the right password waits: the check comes before it.
    expect((await throttleCredentialsSignIn(post('ada@example.test', '198.51.100.9'), throttle, signedIn)).status).toBe(429)
  })

  it('forgives an email its failures once it signs in', async () => {
    const throttle = { db: t.db, trustProxyHops: 1 }
    for (let i = 0; i < 4; i++) await throttleCredentialsSignIn(post('ada@example.test', '198.51.100.1'), throttle, wrongPassword)
    expect((await throttleCredentialsSignIn(post('ada@example.test', '198.51.100.1'), throttle, signedIn)).status).toBe(200)
    for (let i = 0; i < 4; i++) {
      expect((await throttleCredentialsSignIn(post('ada@example.test', '198.51.100.1'), throttle, wrongPassword)).status).toBe(401)
    }
  })

  it('counts one address across emails, and ignores X-Forwarded-For unless a proxy is trusted', async () => {
    const behindProxy = { db: t.db, trustProxyHops: 1 }
    for (let i = 0; i < 20; i++) await throttleCredentialsSignIn(post(`user-${i}@example.test`, '203.0.113.5'), behindProxy, wrongPassword)
    expect((await throttleCredentialsSignIn(post('fresh@example.test', '203.0.113.5'), behindProxy, wrongPassword)).status).toBe(429)
    expect((await throttleCredentialsSignIn(post('fresh@example.test', '203.0.113.6'), behindProxy, wrongPassword)).status).toBe(401)
    // With no proxy trusted the header is the client's say-so: it neither locks out 203.0.113.5 nor is counted as it.
    const direct = { db: t.db, trustProxyHops: 0 }
    expect((await throttleCredentialsSignIn(post('other@example.test', '203.0.113.5'), direct, wrongPassword)).status).toBe(401)
  })
})
