'use client'

import { useEffect } from 'react'
import type { CollabSession } from '../engine/CollabSession'
import { reportLocalEdits } from '../engine/localEdits'
import type { DocumentActions } from './actions'

/**
 * Tells the web app when this user edits, so the document list's "last
 * edited" moves (engine/localEdits.ts decides when). Only while writable.
 */
export function useMarkEdited(
  session: CollabSession | null,
  documentId: string,
  writable: boolean,
  markEdited: DocumentActions['markEdited'],
) {
  useEffect(() => {
    if (!session || !writable) return
    return reportLocalEdits(session.doc, session.provider, () => void markEdited(documentId).catch(() => {}))
  }, [session, documentId, writable, markEdited])
}
