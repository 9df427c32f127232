/**
 * What a room does to its peers when the document's policy changes: an
 * access change lowers (or restores, up to its token) one user's peers; a
 * deletion closes them all. The store and the other instances are
 * documents.ts's business; this is the room's share.
 */
import { canWrite, minAccess, type AccessLevel, type LiveAccess } from '../../lib/access'
import { CloseCode } from '../../lib/closeCodes'
import type { DocumentPolicy } from '../persistence/DocumentStore'
import { accessUnderPolicy, issuedBeforeDeletion } from '../policy'
import { encodePermissionDenied } from '../protocol'
import type { Broadcaster } from './Broadcaster'
import type { Peer } from './Peer'

/** Sent to a peer that may not write (y-protocols' permission-denied auth message). */
export const READ_ONLY_REASON = 'read-only: this connection may not change the document'

/** Applies an access change to `sub`'s peers, never beyond what each one's token grants. */
export function applyAccessChange(peers: Iterable<Peer>, sub: string, access: LiveAccess, broadcaster: Broadcaster): void {
  for (const peer of peers) {
    if (peer.sub !== sub) continue
    setAccess(peer, minAccess(peer.tokenAccess, access), broadcaster)
  }
}

/**
 * Re-checks `sub`'s peers against the stored policy (a relayed access change
 * or deletion may have been lost): each gets the access its token has under
 * it. Returns true when the document was deleted after the room was loaded,
 * or after one of these peers' tokens was issued: the room is stale, and the
 * caller handles it as deleted.
 */
export function applyStoredPolicy(peers: Iterable<Peer>, sub: string, policy: DocumentPolicy, loadedAtSeconds: number, broadcaster: Broadcaster): boolean {
  const { deletedAt } = policy
  if (deletedAt !== null && deletedAt > loadedAtSeconds) return true
  for (const peer of peers) {
    if (peer.sub !== sub) continue
    if (issuedBeforeDeletion(peer.tokenIssuedAt, policy)) return true
    const effective = accessUnderPolicy(peer.tokenAccess, peer.tokenIssuedAt, policy)
    if (effective !== peer.access) setAccess(peer, effective, broadcaster)
  }
  return false
}

function setAccess(peer: Peer, effective: AccessLevel, broadcaster: Broadcaster): void {
  if (effective === 'none') {
    peer.close(CloseCode.AccessRevoked, 'access revoked')
    return
  }
  const couldWrite = peer.canWrite
  peer.access = effective
  if (couldWrite && !canWrite(effective)) broadcaster.sendTo(peer, encodePermissionDenied(READ_ONLY_REASON))
}

/** The document was deleted: every peer is closed with 4404 (stock clients stop reconnecting). */
export function closeForDeletion(peers: Iterable<Peer>): void {
  for (const peer of peers) peer.close(CloseCode.DocumentDeleted, 'document deleted')
}
