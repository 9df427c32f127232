'use client'

import { useCallback, useEffect, useState } from 'react'
import { DOCUMENTS_CHANGED_EVENT } from '@/components/documents/DocumentImport'
import { DocumentList } from '@/components/documents/DocumentList'
import type { DocumentListEntry } from '@/lib/liveEvents'
import { applyListEvent } from './liveDocumentList'
import { useLiveEvents } from './LiveEventsProvider'

/** The home page's list, kept current by the page's live events (or, without them, by polling). */
export function LiveDocumentList({ initialDocuments, selfId }: { initialDocuments: DocumentListEntry[]; selfId: string }) {
  const [documents, setDocuments] = useState(initialDocuments)

  const refetch = useCallback(async () => {
    try {
      const response = await fetch('/api/documents', { cache: 'no-store' })
      if (!response.ok) return
      const body = (await response.json()) as { documents?: DocumentListEntry[] }
      if (Array.isArray(body.documents)) setDocuments(body.documents)
    } catch {
      // Offline for a moment: the next event or poll tries again, and the list says nothing alarming.
    }
  }, [])

  // An import on this page made documents: show them now.
  useEffect(() => {
    const onChanged = () => void refetch()
    window.addEventListener(DOCUMENTS_CHANGED_EVENT, onChanged)
    return () => window.removeEventListener(DOCUMENTS_CHANGED_EVENT, onChanged)
  }, [refetch])

  useLiveEvents({
    onEvent: (event) => {
      const next = applyListEvent(documents, event)
      if (next === 'refetch') void refetch()
      else setDocuments(next)
    },
    onPoll: () => void refetch(),
  })

  return <DocumentList documents={documents} selfId={selfId} />
}
