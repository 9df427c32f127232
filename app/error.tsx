'use client'

import Link from 'next/link'

/**
 * Shown when a page fails unexpectedly (the database or the disk, say): a
 * way out instead of a blank screen. Expected refusals (no access, signed out)
 * never land here; they have their own pages.
 */
export default function ErrorPage({ retry }: { error: unknown; retry: () => void }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="max-w-md space-y-4 rounded-xl border border-slate-200 bg-white p-6 text-center shadow-sm sm:p-8">
        <h1 className="text-2xl font-semibold">Something went wrong</h1>
        <p className="text-slate-600">Tandem couldn’t show this page. Your documents are safe; try again in a moment.</p>
        <div className="flex flex-wrap justify-center gap-3">
          <button type="button" onClick={() => retry()} className="rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white hover:bg-blue-800">
            Try again
          </button>
          <Link href="/" className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50">
            Your documents
          </Link>
        </div>
      </div>
    </main>
  )
}
