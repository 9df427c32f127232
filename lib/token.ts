/**
 * Access tokens shared by the web app (which mints them) and the sync server
 * (which verifies them): a JWT signed with HS256 over the UTF-8 bytes of
 * `AUTH_SECRET` (docs/sync-protocol.md, "Connecting"). A self-hoster's own backend can
 * mint the same token with any JWT library.
 */
import { SignJWT, jwtVerify, errors } from 'jose'
import { z } from 'zod'
import { isValidDocId } from './docId'
import { TOKEN_ACCESS_LEVELS, type TokenAccess } from './access'

export interface AccessClaims {
  /** User id. */
  sub: string
  /** The docId the token opens. */
  doc: string
  access: TokenAccess
  /** Display name, optional. */
  name?: string
}

export interface VerifiedToken extends AccessClaims {
  /** Issued-at, seconds since the epoch. */
  iat: number
  exp: number
}

const claimsSchema = z.object({
  sub: z.string().min(1).max(256),
  doc: z.string().refine(isValidDocId, 'doc is not a valid docId'),
  access: z.enum(TOKEN_ACCESS_LEVELS),
  iat: z.number().int().nonnegative(),
  exp: z.number().int().nonnegative(),
  name: z.string().max(256).optional(),
})

const encoder = new TextEncoder()

/**
 * How far in the future a token's `iat` may lie: clocks of the machine that
 * signs and the one that checks differ a little, never by minutes. A token
 * "issued" later than this is refused: its `iat` would also let it escape an
 * access change or a deletion made before that time (those cap tokens issued
 * up to them), and no honest signer makes one.
 */
export const MAX_CLOCK_SKEW_SECONDS = 60

/** The HMAC key: the UTF-8 bytes of the secret string (docs/sync-protocol.md, "Connecting"). */
export function secretKey(secret: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(secret)
}

/**
 * The same key imported once as a WebCrypto key for verifying. Given raw
 * bytes, jose imports the key again on every call; a server that checks a
 * token per connection should import it once.
 */
export function importVerificationKey(secret: string): Promise<CryptoKey> {
  return globalThis.crypto.subtle.importKey('raw', secretKey(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
}

/**
 * Mints a token for one user on one document.
 * @example
 * const token = await signAccessToken(process.env.AUTH_SECRET!, { sub: 'u1', doc: 'abc', access: 'write' })
 */
export async function signAccessToken(
  secret: string,
  claims: AccessClaims,
  options: { expiresInSeconds?: number; issuedAt?: number } = {},
): Promise<string> {
  const issuedAt = options.issuedAt ?? Math.floor(Date.now() / 1000)
  const jwt = new SignJWT({ doc: claims.doc, access: claims.access, ...(claims.name ? { name: claims.name } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (options.expiresInSeconds ?? 3600))
  return jwt.sign(secretKey(secret))
}

export type TokenFailure = 'missing' | 'invalid'
export type VerifyResult = { ok: true; token: VerifiedToken } | { ok: false; failure: TokenFailure; reason: string }

/**
 * Verifies signature (HS256 only), expiry, `nbf` when present, an `iat` no
 * more than {@link MAX_CLOCK_SKEW_SECONDS} ahead of `nowSeconds`, and the
 * shape of every required claim. Never throws: a failure says why, for a 401 body.
 */
export async function verifyAccessToken(
  key: Uint8Array | CryptoKey,
  token: string | null | undefined,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<VerifyResult> {
  if (!token) return { ok: false, failure: 'missing', reason: 'token missing' }
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], currentDate: new Date(nowSeconds * 1000) })
    const parsed = claimsSchema.safeParse(payload)
    if (!parsed.success) return { ok: false, failure: 'invalid', reason: 'token claims invalid' }
    if (parsed.data.iat > nowSeconds + MAX_CLOCK_SKEW_SECONDS) return { ok: false, failure: 'invalid', reason: 'token issued in the future' }
    return { ok: true, token: parsed.data }
  } catch (error) {
    const reason = error instanceof errors.JWTExpired ? 'token expired' : 'token invalid'
    return { ok: false, failure: 'invalid', reason }
  }
}
