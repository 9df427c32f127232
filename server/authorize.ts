/**
 * Decides whether a request may open (or call the API of) a document, before
 * any socket exists: the refusals in their documented order, 400 → 401 → 403 →
 * 410 (docs/sync-protocol.md, "Connecting"), then the effective access after
 * any access change.
 */
import { accessAllows, type AccessLevel, type TokenAccess } from '../lib/access'
import { isValidDocId } from '../lib/docId'
import { verifyAccessToken, type VerifiedToken } from '../lib/token'
import type { DocumentStore } from './persistence/DocumentStore'
import { accessUnderPolicy, issuedBeforeDeletion } from './policy'

export type Authorization =
  | { ok: true; token: VerifiedToken; access: TokenAccess }
  | { ok: false; status: 400 | 401 | 403 | 410; reason: string }

export interface AuthorizeRequest {
  docId: string
  token: string | null | undefined
  /** The least access the call needs; `read` to connect. */
  needs: AccessLevel
}

export async function authorize(
  key: Uint8Array | CryptoKey,
  store: DocumentStore,
  { docId, token, needs }: AuthorizeRequest,
): Promise<Authorization> {
  if (!isValidDocId(docId)) return { ok: false, status: 400, reason: 'invalid document id' }
  const verified = await verifyAccessToken(key, token)
  if (!verified.ok) return { ok: false, status: 401, reason: verified.reason }
  const claims = verified.token
  if (claims.doc !== docId) return { ok: false, status: 403, reason: 'token is for another document' }
  const policy = await store.getPolicy(docId, claims.sub)
  if (issuedBeforeDeletion(claims.iat, policy)) {
    return { ok: false, status: 410, reason: 'document was deleted' }
  }
  // An access change caps tokens issued up to it (same second included); later tokens decide alone.
  const access = accessUnderPolicy(claims.access, claims.iat, policy)
  if (access === 'none' || !accessAllows(access, needs)) {
    return { ok: false, status: 403, reason: 'access too low' }
  }
  return { ok: true, token: claims, access }
}
