import { getDb } from '@/app/_data/db'
import { listDocumentsForUser } from '@/app/_data/documents'
import { requireUser } from '@/app/_data/session'
import { createDocumentAction } from '@/app/actions/documents'
import { AppHeader } from '@/components/AppHeader'
import { DocumentList } from '@/components/documents/DocumentList'
import { KeepLocalCopiesInStep } from '@/components/documents/LocalCopyHousekeeping'
import { NewDocumentButton } from '@/components/documents/NewDocumentButton'

/** `/`: my documents and those shared with me. Signed-out visitors go to /signin and come back. */
export default async function HomePage() {
  const user = await requireUser('/')
  const documents = await listDocumentsForUser(await getDb(), user.id)
  return (
    <>
      <AppHeader userId={user.id} userName={user.name} />
      <main className="mx-auto max-w-4xl space-y-4 px-4 py-8">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h1 className="text-2xl font-semibold">Documents</h1>
          <NewDocumentButton createDocument={createDocumentAction} />
        </div>
        <DocumentList documents={documents} selfId={user.id} />
        <KeepLocalCopiesInStep user={{ id: user.id, name: user.name }} documentIds={documents.map((doc) => doc.id)} />
      </main>
    </>
  )
}
