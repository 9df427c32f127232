/** Placeholder lines while the document's content is on its way: never an empty editor that fills in later. */
export function EditorSkeleton({ label = 'Loading document…' }: { label?: string }) {
  return (
    <div aria-busy="true" className="space-y-3 px-4 py-6 sm:px-8">
      <p className="sr-only">{label}</p>
      <div className="h-4 w-3/4 animate-pulse rounded bg-slate-200" />
      <div className="h-4 w-full animate-pulse rounded bg-slate-200" />
      <div className="h-4 w-5/6 animate-pulse rounded bg-slate-200" />
      <div className="h-4 w-2/3 animate-pulse rounded bg-slate-200" />
    </div>
  )
}
