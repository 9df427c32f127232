import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('server-only', () => ({}))

const { testDatabaseKinds } = await import('../../testkit/appDb')
const { checkThrottle, clearAttempts, pruneExpiredAttempts, recordAttempt, LONGEST_WINDOW_MS } = await import('./throttle')
const { AuthLimits, checkSignIn, checkSignUp, recordFailedSignIn, recordSignUp, recordSuccessfulSignIn } = await import('./authLimits')

const MINUTE = 60_000
const T0 = Date.parse('2026-12-01T10:00:00.000Z')

describe.each(await testDatabaseKinds())('attempt throttling ($name)', (kind) => {
  let t: Awaited<ReturnType<typeof kind.create>>
  beforeEach(async () => {
    t = await kind.create()
  })
  afterEach(async () => {
    await t.cleanup()
  })

  const rule = { name: 'test', limit: 3, windowMs: 10 * MINUTE }
  const rowCount = async () => Number((await t.db.selectFrom('auth_attempts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

  it('allows `limit` attempts in the window, then says how long until the oldest one expires', async () => {
    for (const minute of [0, 1, 2]) {
      expect(await checkThrottle(t.db, rule, 'ada', T0 + minute * MINUTE)).toEqual({ allowed: true })
      await recordAttempt(t.db, rule, 'ada', T0 + minute * MINUTE)
    }
    expect(await checkThrottle(t.db, rule, 'ada', T0 + 4 * MINUTE)).toEqual({ allowed: false, retryAfterMs: 6 * MINUTE })
    // Someone else, or another rule, is not affected.
    expect(await checkThrottle(t.db, rule, 'grace', T0 + 4 * MINUTE)).toEqual({ allowed: true })
    expect(await checkThrottle(t.db, { ...rule, name: 'other' }, 'ada', T0 + 4 * MINUTE)).toEqual({ allowed: true })
    // The window slides: once the first attempt is ten minutes old there is room for one more, not three.
    expect(await checkThrottle(t.db, rule, 'ada', T0 + 10 * MINUTE)).toEqual({ allowed: true })
    await recordAttempt(t.db, rule, 'ada', T0 + 10 * MINUTE)
    expect(await checkThrottle(t.db, rule, 'ada', T0 + 10 * MINUTE + 1)).toEqual({ allowed: false, retryAfterMs: MINUTE - 1 })
  })

  it('forgets a subject on request', async () => {
    for (let i = 0; i < 3; i++) await recordAttempt(t.db, rule, 'ada', T0 + i)
    await recordAttempt(t.db, rule, 'grace', T0)
    await clearAttempts(t.db, rule, 'ada')
    expect(await checkThrottle(t.db, rule, 'ada', T0 + 10)).toEqual({ allowed: true })
    expect(await rowCount()).toBe(1)
  })

  it('prunes attempts older than the longest window, so the table does not grow without end', async () => {
    for (let i = 0; i < 5; i++) await recordAttempt(t.db, rule, `subject-${i}`, T0 + i)
    await recordAttempt(t.db, rule, 'recent', T0 + LONGEST_WINDOW_MS - MINUTE)
    expect(await pruneExpiredAttempts(t.db, T0 + LONGEST_WINDOW_MS + 10)).toBe(5)
    expect(await rowCount()).toBe(1)
    // Recording also prunes, now and then: two hours on, the old rows are gone without anyone asking.
    await recordAttempt(t.db, rule, 'later', T0 + 3 * LONGEST_WINDOW_MS)
    expect(await rowCount()).toBe(1)
  })

  it('locks an email after five failures in 15 minutes, whatever its case, and forgives it on success', async () => {
    const subject = (address: string) => ({ email: 'Ada@Example.test', address })
    for (let i = 0; i < 5; i++) {
      expect((await checkSignIn(t.db, subject(`198.51.100.${i}`), T0 + i * MINUTE)).allowed).toBe(true)
      await recordFailedSignIn(t.db, subject(`198.51.100.${i}`), T0 + i * MINUTE)
    }
    // From any address, in any spelling of the email.
    expect(await checkSignIn(t.db, { email: ' ada@example.TEST', address: '203.0.113.9' }, T0 + 5 * MINUTE)).toEqual({
      allowed: false,
      retryAfterMs: 10 * MINUTE,
    })
    expect((await checkSignIn(t.db, { email: 'grace@example.test', address: '203.0.113.9' }, T0 + 5 * MINUTE)).allowed).toBe(true)
    expect((await checkSignIn(t.db, subject('198.51.100.1'), T0 + 15 * MINUTE + 1)).allowed).toBe(true)

    await recordSuccessfulSignIn(t.db, { email: 'ada@example.test', address: null })
    expect((await checkSignIn(t.db, subject('198.51.100.1'), T0 + 5 * MINUTE)).allowed).toBe(true)
  })

  it('locks an address after twenty failures in 15 minutes, for every email it tries', async () => {
    const address = '198.51.100.7'
    for (let i = 0; i < AuthLimits.signInPerAddress.limit; i++) {
      await recordFailedSignIn(t.db, { email: `user-${i}@example.test`, address }, T0 + i * 1000)
    }
    const verdict = await checkSignIn(t.db, { email: 'fresh@example.test', address }, T0 + 60_000)
    expect(verdict.allowed).toBe(false)
    expect(await checkSignIn(t.db, { email: 'fresh@example.test', address: '198.51.100.8' }, T0 + 60_000)).toEqual({ allowed: true })
    // A success does not forgive the address.
    await recordSuccessfulSignIn(t.db, { email: 'user-0@example.test', address })
    expect((await checkSignIn(t.db, { email: 'user-0@example.test', address }, T0 + 60_000)).allowed).toBe(false)
  })

  it('allows ten new accounts per address per hour', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await checkSignUp(t.db, '2001:db8:1:2::/64', T0 + i * MINUTE)).allowed).toBe(true)
      await recordSignUp(t.db, '2001:db8:1:2::/64', T0 + i * MINUTE)
    }
    expect(await checkSignUp(t.db, '2001:db8:1:2::/64', T0 + 10 * MINUTE)).toEqual({ allowed: false, retryAfterMs: 50 * MINUTE })
    expect((await checkSignUp(t.db, '2001:db8:1:3::/64', T0 + 10 * MINUTE)).allowed).toBe(true)
    expect((await checkSignUp(t.db, '2001:db8:1:2::/64', T0 + 60 * MINUTE + 1)).allowed).toBe(true)
  })

  it('applies only the limits it has a subject for', async () => {
    for (let i = 0; i < 30; i++) await recordFailedSignIn(t.db, { email: null, address: null }, T0)
    expect(await rowCount()).toBe(0)
    expect(await checkSignIn(t.db, { email: null, address: null }, T0)).toEqual({ allowed: true })
    expect(await checkSignUp(t.db, null, T0)).toEqual({ allowed: true })
  })
})
