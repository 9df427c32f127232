'use client'

import { useEffect } from 'react'
import type { DocumentActions } from './actions'
import type { CollabSession } from '../engine/CollabSession'

/** At most one "last edited" bump per this interval while typing; the list doesn't need more. */
const MARK_EDITED_INTERVAL_MS = 20_000

/**
 * Tells the web app when this user edits, so the document list's "last
 * edited" moves. Only local changes count: updates from the server are other
 * people's, and their own tabs report those.
 */
export function useMarkEdited(
  session: CollabSession | null,
  documentId: string,
  writable: boolean,
  markEdited: DocumentActions['markEdited'],
) {
  useEffect(() => {
    if (!session || !writable) return
    let lastSentAt = 0
    let trailing: ReturnType<typeof setTimeout> | undefined
    const send = () => {
      lastSentAt = Date.now()
      trailing = undefined
      void markEdited(documentId).catch(() => {})
    }
    const handleUpdate = (_update: Uint8Array, origin: unknown) => {
      if (origin === session.provider) return
      const wait = lastSentAt + MARK_EDITED_INTERVAL_MS - Date.now()
      if (wait <= 0) send()
      else trailing ??= setTimeout(send, wait)
    }
    session.doc.on('update', handleUpdate)
    return () => {
      session.doc.off('update', handleUpdate)
      if (trailing) {
        clearTimeout(trailing)
        send()
      }
    }
  }, [session, documentId, writable, markEdited])
}
