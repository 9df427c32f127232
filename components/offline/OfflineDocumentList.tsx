import type { LocalCopyRecord } from '@/components/editor/engine/localCatalog'

/** `/` without a network: the documents this browser keeps a local copy of, for the user last signed in here. */
export function OfflineDocumentList({ userName, records }: { userName: string; records: LocalCopyRecord[] }) {
  return (
    <>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-4xl flex-wrap items-center gap-3 px-4 py-3">
          <span className="text-lg font-semibold text-blue-700">Tandem</span>
          <span className="ml-auto text-sm text-slate-600">{userName}</span>
        </div>
      </header>
      <main className="mx-auto max-w-4xl space-y-4 px-4 py-8">
        <h1 className="text-2xl font-semibold">Documents</h1>
        <p role="note" className="rounded-md border border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900">
          You’re offline. These are the documents on this device; what you change is sent once you’re back online.
        </p>
        {records.length === 0 ? (
          <p className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center text-slate-600">
            No documents are available offline on this device yet. Open one while online to keep a copy here.
          </p>
        ) : (
          <ul aria-label="Documents" className="divide-y divide-slate-200 overflow-hidden rounded-lg border border-slate-200 bg-white">
            {records.map((record) => (
              <li key={record.documentId}>
                {/* Full navigations, which the service worker answers with the offline editor. */}
                <a href={`/d/${record.documentId}`} className="flex items-center gap-2 px-4 py-3 hover:bg-slate-50">
                  <span className="min-w-0 flex-1 truncate font-medium text-slate-900">
                    {record.title.trim() || 'Untitled'}
                    <span className="ml-2 rounded bg-emerald-50 px-1.5 py-0.5 text-xs text-emerald-800">Available offline</span>
                  </span>
                </a>
              </li>
            ))}
          </ul>
        )}
      </main>
    </>
  )
}
