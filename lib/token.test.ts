/**
 * lib/token.ts on its own: the clock-skew bound on `iat` (docs/sync-protocol.md,
 * "Tokens"). The full list of refusals is proved against the server in
 * server/test/connect.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { MAX_CLOCK_SKEW_SECONDS, secretKey, signAccessToken, verifyAccessToken } from './token'

const SECRET = 'lib-token-test-secret-of-32-bytes!'
const claims = { sub: 'u1', doc: 'doc', access: 'write' as const }

describe('verifyAccessToken', () => {
  // proves: AUTH-14
  it(`refuses a token issued more than ${MAX_CLOCK_SKEW_SECONDS} s in the future, and accepts one within that skew`, async () => {
    const now = 1_800_000_000
    const at = (iat: number) => signAccessToken(SECRET, claims, { issuedAt: iat, expiresInSeconds: 3600 })
    const key = secretKey(SECRET)
    expect(await verifyAccessToken(key, await at(now + MAX_CLOCK_SKEW_SECONDS), now)).toMatchObject({ ok: true })
    expect(await verifyAccessToken(key, await at(now + MAX_CLOCK_SKEW_SECONDS + 1), now)).toEqual({
      ok: false,
      failure: 'invalid',
      reason: 'token issued in the future',
    })
    // The clock it is judged by also decides expiry.
    expect(await verifyAccessToken(key, await at(now - 3600), now)).toMatchObject({ ok: false, reason: 'token expired' })
  })
})
