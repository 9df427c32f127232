import type * as Y from 'yjs'

/** At most one "last edited" report per this interval while typing; the document list doesn't need more. */
export const LOCAL_EDIT_REPORT_INTERVAL_MS = 20_000

/**
 * Calls `report` when this tab edits `doc`: at once for the first edit, then
 * at most once per interval, with one trailing call so the last edits of a
 * burst are reported too. Updates whose origin is `remoteOrigin` (the
 * provider: other people's edits, which their own tabs report) don't count.
 * The returned function stops listening and sends a pending report at once,
 * so leaving the page mid-interval loses nothing.
 *
 * @example
 * const stop = reportLocalEdits(session.doc, session.provider, () => void markEdited(documentId))
 */
export function reportLocalEdits(
  doc: Y.Doc,
  remoteOrigin: unknown,
  report: () => void,
  intervalMs = LOCAL_EDIT_REPORT_INTERVAL_MS,
): () => void {
  let lastSentAt = 0
  let trailing: ReturnType<typeof setTimeout> | undefined
  const send = () => {
    lastSentAt = Date.now()
    trailing = undefined
    report()
  }
  const handleUpdate = (_update: Uint8Array, origin: unknown) => {
    if (origin === remoteOrigin) return
    const wait = lastSentAt + intervalMs - Date.now()
    if (wait <= 0) send()
    else trailing ??= setTimeout(send, wait)
  }
  doc.on('update', handleUpdate)
  return () => {
    doc.off('update', handleUpdate)
    if (trailing) {
      clearTimeout(trailing)
      send()
    }
  }
}
