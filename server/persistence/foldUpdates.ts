import * as Y from 'yjs'
import type { FoldedSnapshot } from './DocumentStore'

/**
 * Folds stored updates into one snapshot update. Going through a Y.Doc (rather
 * than `Y.mergeUpdates`) lets Yjs garbage-collect deleted content, so the
 * snapshot of an edited document is much smaller than the sum of its edits.
 * A row that does not apply is skipped with a warning instead of failing the
 * whole fold: losing the rest of the document would be worse.
 *
 * Returns null, "do not fold", when some of it waits for missing
 * dependencies: one update holding those can come out short when applied
 * (server/room/documentParts.ts), while the rows applied in turn cannot.
 */
export function foldUpdates(updates: Uint8Array[], onBadUpdate?: (error: unknown) => void): FoldedSnapshot | null {
  const doc = new Y.Doc()
  Y.transact(doc, () => {
    for (const update of updates) {
      try {
        Y.applyUpdate(doc, update)
      } catch (error) {
        onBadUpdate?.(error)
      }
    }
  })
  const pending = doc.store.pendingStructs !== null || doc.store.pendingDs !== null
  const folded = pending ? null : { update: Y.encodeStateAsUpdate(doc), stateVector: Y.encodeStateVector(doc) }
  doc.destroy()
  return folded
}
