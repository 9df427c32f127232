import type * as Y from 'yjs'
import { RESTORE_MAP } from '../../../lib/restoreMark'

/**
 * Makes every version restore a checkpoint that undo does not cross
 * (docs/sync-protocol.md, HISTORY-30): when the restore map changes by an
 * update this tab did not make (a restore comes from the server, even one
 * this user asked for), the undo history is cleared. Without that, undoing
 * a deletion the restore already wrote back would insert the words a
 * second time: Yjs's undo re-inserts deleted content, it does not know the
 * restore put an equal copy there.
 *
 * Returns the function that stops watching.
 */
export function clearUndoOnRestore(doc: Y.Doc, undoManager: Pick<Y.UndoManager, 'clear'>): () => void {
  const marks = doc.getMap<unknown>(RESTORE_MAP)
  const onMark = (_event: Y.YMapEvent<unknown>, transaction: Y.Transaction) => {
    if (!transaction.local) undoManager.clear()
  }
  marks.observe(onMark)
  return () => marks.unobserve(onMark)
}
