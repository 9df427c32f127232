/**
 * What a room does to its peers when the document's policy changes: an
 * access change lowers (or restores, up to its token) one user's peers; a
 * deletion closes them all. The store and the other instances are
 * documents.ts's business; this is the room's share.
 */
import { canWrite, minAccess, type AccessLevel, type LiveAccess } from '../../lib/access'
import { CloseCode } from '../../lib/closeCodes'
import { encodePermissionDenied } from '../protocol'
import type { Broadcaster } from './Broadcaster'
import type { Peer } from './Peer'

/** Sent to a peer that may not write (y-protocols' permission-denied auth message). */
export const READ_ONLY_REASON = 'read-only: this connection may not change the document'

/** Applies an access change to `sub`'s peers, never beyond what each one's token grants. */
export function applyAccessChange(peers: Iterable<Peer>, sub: string, access: LiveAccess, broadcaster: Broadcaster): void {
  for (const peer of peers) {
    if (peer.sub !== sub) continue
    const effective: AccessLevel = minAccess(peer.tokenAccess, access)
    if (effective === 'none') {
      peer.close(CloseCode.AccessRevoked, 'access revoked')
      continue
    }
    const couldWrite = peer.canWrite
    peer.access = effective
    if (couldWrite && !canWrite(effective)) broadcaster.sendTo(peer, encodePermissionDenied(READ_ONLY_REASON))
  }
}

/** The document was deleted: every peer is closed with 4404 (stock clients stop reconnecting). */
export function closeForDeletion(peers: Iterable<Peer>): void {
  for (const peer of peers) peer.close(CloseCode.DocumentDeleted, 'document deleted')
}
