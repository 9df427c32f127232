'use client'

import { useEffect, useRef, useState } from 'react'
import type { DocumentActions } from './actions'
import type { CollabSession } from '../engine/CollabSession'
import { setLiveTitle, watchLiveTitle } from '../engine/documentShape'

/** The document list's copy of the title is written once typing pauses. */
const PERSIST_DELAY_MS = 600

/**
 * The document title. Writers' keystrokes go into the Y.Doc (live for everyone
 * in the document, engine/documentShape.ts) and, once they pause, into the metadata database (the list).
 */
export function TitleField({
  session,
  documentId,
  initialTitle,
  writable,
  onTitleChange,
  rename,
}: {
  session: CollabSession | null
  documentId: string
  initialTitle: string
  writable: boolean
  /** Told the current title (typed here or by someone else), e.g. for dialog headings. */
  onTitleChange?: (title: string) => void
  rename: DocumentActions['rename']
}) {
  const [title, setTitle] = useState(initialTitle)
  const [error, setError] = useState('')
  const persistTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const pendingTitle = useRef<string | null>(null)

  useEffect(() => {
    if (!session) return
    return watchLiveTitle(session.doc, setTitle)
  }, [session])

  useEffect(() => {
    document.title = `${title.trim() || 'Untitled'} · Tandem`
    onTitleChange?.(title)
  }, [title, onTitleChange])

  async function persist() {
    clearTimeout(persistTimer.current)
    const value = pendingTitle.current
    pendingTitle.current = null
    if (value === null) return
    const result = await rename(documentId, value)
    setError(result.ok ? '' : result.error)
  }

  // Don't lose the last keystrokes when leaving the page mid-pause.
  useEffect(() => () => void persist(), []) // eslint-disable-line react-hooks/exhaustive-deps

  function handleChange(event: React.ChangeEvent<HTMLInputElement>) {
    const value = event.target.value
    setTitle(value)
    if (session) setLiveTitle(session.doc, value)
    pendingTitle.current = value
    clearTimeout(persistTimer.current)
    persistTimer.current = setTimeout(() => void persist(), PERSIST_DELAY_MS)
  }

  return (
    <div className="min-w-0 flex-1">
      <label htmlFor="document-title" className="sr-only">
        Document title
      </label>
      <input
        id="document-title"
        value={title}
        onChange={handleChange}
        onBlur={() => void persist()}
        onKeyDown={(event) => {
          if (event.key === 'Enter') event.currentTarget.blur()
        }}
        readOnly={!writable}
        placeholder="Untitled"
        maxLength={200}
        aria-invalid={error ? true : undefined}
        title={error || undefined}
        className="w-full min-w-0 truncate rounded border border-transparent bg-transparent px-2 py-1 text-lg font-semibold text-slate-900 hover:border-slate-200 focus:border-blue-600 focus:outline-none read-only:hover:border-transparent"
      />
    </div>
  )
}
