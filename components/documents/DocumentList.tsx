import Link from 'next/link'
import type { DocumentListEntry } from '@/lib/liveEvents'
import { ROLE_LABEL } from '@/lib/roles'
import { AvailableOfflineBadge } from './LocalCopyHousekeeping'
import { LocalTime } from './LocalTime'

/** One row of the list. */
export type DocumentListItem = DocumentListEntry


/** The home page's list: title, owner, the reader's role and when it was last edited, newest first. */
export function DocumentList({ documents, selfId }: { documents: DocumentListItem[]; selfId: string }) {
  if (documents.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center text-slate-600">
        No documents yet. Create one with “New document”, or ask a teammate to share theirs.
      </p>
    )
  }
  return (
    <div className="overflow-hidden rounded-lg border border-slate-200 bg-white">
      <div aria-hidden className="hidden gap-4 border-b border-slate-200 bg-slate-50 px-4 py-2 text-xs font-medium uppercase tracking-wide text-slate-500 sm:flex">
        <span className="flex-1">Title</span>
        <span className="w-40">Owner</span>
        <span className="w-48 text-right">Last edited</span>
      </div>
      <ul aria-label="Documents" className="divide-y divide-slate-200">
        {documents.map((doc) => (
          <li key={doc.id}>
            <Link
              href={`/d/${doc.id}`}
              className="flex flex-col gap-1 px-4 py-3 hover:bg-slate-50 focus-visible:bg-slate-50 focus-visible:outline-none sm:flex-row sm:items-center sm:gap-4"
            >
              <span className="min-w-0 flex-1 truncate font-medium text-slate-900">
                {doc.title}
                <AvailableOfflineBadge userId={selfId} documentId={doc.id} />
                {doc.openThreads ? (
                  <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-normal text-amber-900">
                    {doc.openThreads === 1 ? '1 open comment' : `${doc.openThreads} open comments`}
                  </span>
                ) : null}
              </span>
              <span className="text-sm text-slate-600 sm:w-40 sm:truncate">
                <span className="sr-only">Owner: </span>
                {doc.ownerId === selfId ? 'You' : doc.ownerName}
                {doc.role !== 'owner' ? <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs">{ROLE_LABEL[doc.role]}</span> : null}
              </span>
              <span className="text-sm text-slate-500 sm:w-48 sm:text-right">
                <span className="sr-only">Last edited </span>
                <LocalTime iso={doc.updatedAt} />
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  )
}
