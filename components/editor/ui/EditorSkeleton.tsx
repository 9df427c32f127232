'use client'

import { useEffect, useState } from 'react'

/** After this long without the document, say that we are still trying (the sync server may be down). */
const SLOW_AFTER_MS = 8_000

/** Placeholder lines while the document's content is on its way: never an empty editor that fills in later. */
export function EditorSkeleton() {
  const [slow, setSlow] = useState(false)
  useEffect(() => {
    const timer = setTimeout(() => setSlow(true), SLOW_AFTER_MS)
    return () => clearTimeout(timer)
  }, [])
  return (
    <div aria-busy="true" className="space-y-3 px-4 py-6 sm:px-8">
      {slow ? (
        <p className="pb-2 text-sm text-slate-600">Still connecting to the sync server… The document appears as soon as it answers.</p>
      ) : (
        <p className="sr-only">Loading document…</p>
      )}
      <div className="h-4 w-3/4 animate-pulse rounded bg-slate-200" />
      <div className="h-4 w-full animate-pulse rounded bg-slate-200" />
      <div className="h-4 w-5/6 animate-pulse rounded bg-slate-200" />
      <div className="h-4 w-2/3 animate-pulse rounded bg-slate-200" />
    </div>
  )
}
