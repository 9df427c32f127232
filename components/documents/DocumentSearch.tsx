'use client'

import Link from 'next/link'
import { useEffect, useRef, useState } from 'react'

/**
 * The search box over the document list: `GET /api/search?q=` as you type
 * (after a short pause), best results first, each with a snippet whose
 * matched words are highlighted. `/` anywhere on the page (outside a text
 * field) puts the cursor in it; Escape clears it.
 */
interface Result {
  id: string
  title: string
  snippet: { text: string; match: boolean }[]
}

type State = { kind: 'idle' } | { kind: 'loading' } | { kind: 'done'; query: string; results: Result[] } | { kind: 'error'; message: string }

const TYPING_PAUSE_MS = 200
const IDLE: State = { kind: 'idle' }

export function DocumentSearch() {
  const inputRef = useRef<HTMLInputElement>(null)
  const [query, setQuery] = useState('')
  const [latest, setState] = useState<State>(IDLE)

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return
      const target = event.target as HTMLElement | null
      if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return
      event.preventDefault()
      inputRef.current?.focus()
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [])

  useEffect(() => {
    const q = query.trim()
    // An empty box shows no results (see `state` below): nothing to ask.
    if (!q) return
    const controller = new AbortController()
    const timer = setTimeout(async () => {
      setState({ kind: 'loading' })
      try {
        const response = await fetch(`/api/search?q=${encodeURIComponent(q)}`, { cache: 'no-store', signal: controller.signal })
        const body = (await response.json().catch(() => ({}))) as { results?: Result[]; message?: string }
        if (!response.ok || !Array.isArray(body.results)) {
          setState({ kind: 'error', message: body.message ?? 'Search is not available right now. Try again.' })
          return
        }
        setState({ kind: 'done', query: q, results: body.results })
      } catch (error) {
        if ((error as Error).name !== 'AbortError') setState({ kind: 'error', message: 'Search could not reach the server. Check your connection.' })
      }
    }, TYPING_PAUSE_MS)
    return () => {
      clearTimeout(timer)
      controller.abort()
    }
  }, [query])

  const state = query.trim() ? latest : IDLE
  return (
    <div className="space-y-2">
      <div className="relative">
        <label htmlFor="document-search" className="sr-only">
          Search documents
        </label>
        <input
          ref={inputRef}
          id="document-search"
          type="search"
          value={query}
          maxLength={500}
          autoComplete="off"
          placeholder="Search documents (press / )"
          aria-keyshortcuts="/"
          aria-controls="search-results"
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') setQuery('')
          }}
          className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-slate-900 shadow-sm focus:border-blue-600 focus:outline-none focus:ring-2 focus:ring-blue-600/30"
        />
      </div>
      <div id="search-results" aria-live="polite">
        {state.kind === 'loading' ? (
          <p role="status" className="text-sm text-slate-500">
            Searching…
          </p>
        ) : null}
        {state.kind === 'error' ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {state.message}
          </p>
        ) : null}
        {state.kind === 'done' && state.results.length === 0 ? (
          <p role="status" className="text-sm text-slate-600">
            Nothing found for “{state.query}”.
          </p>
        ) : null}
        {state.kind === 'done' && state.results.length > 0 ? (
          <ul aria-label="Search results" className="divide-y divide-slate-200 overflow-hidden rounded-lg border border-slate-200 bg-white">
            {state.results.map((result) => (
              <li key={result.id}>
                <Link href={`/d/${result.id}`} className="block px-4 py-3 hover:bg-slate-50 focus-visible:bg-slate-50 focus-visible:outline-none">
                  <span className="block font-medium text-slate-900">{result.title}</span>
                  {result.snippet.length > 0 ? (
                    <span className="mt-0.5 block text-sm text-slate-600">
                      {result.snippet.map((part, index) =>
                        part.match ? (
                          <mark key={index} className="rounded bg-yellow-100 px-0.5 text-slate-900">
                            {part.text}
                          </mark>
                        ) : (
                          <span key={index}>{part.text}</span>
                        ),
                      )}
                    </span>
                  ) : null}
                </Link>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </div>
  )
}
