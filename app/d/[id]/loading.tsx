import { EditorSkeleton } from '@/components/editor/ui/EditorSkeleton'

/** Shown while the editor page renders on the server. */
export default function Loading() {
  return (
    <div className="flex min-h-screen flex-col">
      <div className="h-12 border-b border-slate-200 bg-white" />
      <main className="mx-auto w-full max-w-3xl flex-1 bg-white shadow-sm sm:my-6 sm:rounded-lg">
        <EditorSkeleton />
      </main>
    </div>
  )
}
