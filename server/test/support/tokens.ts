/**
 * Access tokens for tests: good ones through `lib/token.ts`, and hand-made
 * ones (node:crypto only) for every defect `lib/token.ts` would never produce,
 * and to show a self-hoster's own backend can mint tokens.
 */
import { createHmac, generateKeyPairSync } from 'node:crypto'
import { SignJWT, importPKCS8 } from 'jose'
import { signAccessToken, type AccessClaims } from '../../../lib/token'
import { nowSeconds } from './wait'

export interface TokenClaims {
  doc: string
  sub?: string
  access?: AccessClaims['access']
  name?: string
}

export interface TokenOptions {
  expiresInSeconds?: number
  issuedAt?: number
}

export function makeToken(secret: string, claims: TokenClaims, opts: TokenOptions = {}): Promise<string> {
  return signAccessToken(secret, { sub: claims.sub ?? 'alice', doc: claims.doc, access: claims.access ?? 'write', name: claims.name }, opts)
}

const b64url = (value: Buffer | string) => Buffer.from(value).toString('base64url')

/**
 * Builds a JWT by hand, for the malformed cases `lib/token.ts` would never make:
 * any header, any payload, HMAC with any hash (or none).
 */
export function handMadeJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: string | null,
  hash: 'sha256' | 'sha384' | 'sha512' = 'sha256',
): string {
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`
  if (key === null) return `${signingInput}.`
  const signature = createHmac(hash, Buffer.from(key, 'utf8')).update(signingInput).digest()
  return `${signingInput}.${b64url(signature)}`
}

/** A complete, valid claim set for `doc`, to be broken one field at a time. */
export function validPayload(doc: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = nowSeconds() - 5
  return { sub: 'alice', doc, access: 'write', iat, exp: iat + 3600, ...extra }
}

/** Every way a token can be wrong; each must give 401 on the upgrade (and on the HTTP API). */
export async function tokenDefects(secret: string, doc: string): Promise<Array<[string, string | null]>> {
  const now = nowSeconds()
  const ok = validPayload(doc)
  const without = (claim: string) => {
    const p = { ...ok }
    delete p[claim]
    return p
  }
  return [
    ['missing', null],
    ['empty', ''],
    ['not a JWT', 'not-a-jwt'],
    ['three garbage segments', 'aaa.bbb.ccc'],
    ['bad signature (other secret)', handMadeJwt({ alg: 'HS256' }, ok, secret + 'x')],
    ['bad signature (tampered payload)', (() => {
      const good = handMadeJwt({ alg: 'HS256' }, ok, secret)
      const [h, , s] = good.split('.')
      const evil = Buffer.from(JSON.stringify({ ...ok, access: 'admin', sub: 'mallory' })).toString('base64url')
      return `${h}.${evil}.${s}`
    })()],
    ['alg none, unsigned', handMadeJwt({ alg: 'none' }, ok, null)],
    ['alg HS384 with the right secret', handMadeJwt({ alg: 'HS384' }, ok, secret, 'sha384')],
    ['alg HS512 with the right secret', handMadeJwt({ alg: 'HS512' }, ok, secret, 'sha512')],
    ['header says HS512, signed HS256', handMadeJwt({ alg: 'HS512' }, ok, secret, 'sha256')],
    ['expired', handMadeJwt({ alg: 'HS256' }, { ...ok, iat: now - 7200, exp: now - 3600 }, secret)],
    ['nbf in the future', handMadeJwt({ alg: 'HS256' }, { ...ok, nbf: now + 3600 }, secret)],
    ['no sub', handMadeJwt({ alg: 'HS256' }, without('sub'), secret)],
    ['no doc', handMadeJwt({ alg: 'HS256' }, without('doc'), secret)],
    ['no access', handMadeJwt({ alg: 'HS256' }, without('access'), secret)],
    ['no iat', handMadeJwt({ alg: 'HS256' }, without('iat'), secret)],
    ['no exp', handMadeJwt({ alg: 'HS256' }, without('exp'), secret)],
    ['unknown access "owner"', handMadeJwt({ alg: 'HS256' }, { ...ok, access: 'owner' }, secret)],
    ['unknown access "none"', handMadeJwt({ alg: 'HS256' }, { ...ok, access: 'none' }, secret)],
    ['access of the wrong type', handMadeJwt({ alg: 'HS256' }, { ...ok, access: ['write'] }, secret)],
    ['RS256 (asymmetric algorithm)', await rs256Token(doc)],
  ]
}

async function rs256Token(doc: string): Promise<string> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const key = await importPKCS8(pem, 'RS256')
  const p = validPayload(doc)
  return new SignJWT({ doc, access: 'write' })
    .setProtectedHeader({ alg: 'RS256' })
    .setSubject(String(p.sub))
    .setIssuedAt(Number(p.iat))
    .setExpirationTime(Number(p.exp))
    .sign(key)
}
