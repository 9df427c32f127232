import { getDb } from '@/app/_data/db'
import { listDocumentsForUser } from '@/app/_data/documents'
import { lastEventId, listNotifications } from '@/app/_data/events/store'
import { requireUser } from '@/app/_data/session'
import { resendVerificationAction } from '@/app/actions/account'
import { createDocumentAction } from '@/app/actions/documents'
import { markNotificationsReadAction } from '@/app/actions/notifications'
import { AppHeader } from '@/components/AppHeader'
import { VerifyEmailBanner } from '@/components/auth/VerifyEmailBanner'
import { KeepLocalCopiesInStep } from '@/components/documents/LocalCopyHousekeeping'
import { DocumentImport, ImportButton, ImportDropZone } from '@/components/documents/DocumentImport'
import { DocumentSearch } from '@/components/documents/DocumentSearch'
import { NewDocumentButton } from '@/components/documents/NewDocumentButton'
import { LiveDocumentList } from '@/components/live/LiveDocumentList'
import { LiveEventsProvider } from '@/components/live/LiveEventsProvider'
import { NotificationsBell } from '@/components/live/NotificationsBell'

/**
 * `/`: my documents and those shared with me, kept live over GET /api/events
 * from the last event id read here. Signed-out visitors go to /signin and come back.
 */
export default async function HomePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser('/')
  const db = await getDb()
  // The event id first: anything that happens while the rest is read is replayed, never lost.
  const after = await lastEventId(db, user.id)
  const [documents, notifications] = await Promise.all([listDocumentsForUser(db, user.id), listNotifications(db, user.id)])
  const { email } = await searchParams
  return (
    <LiveEventsProvider after={after}>
      <AppHeader userId={user.id} userName={user.name}>
        <NotificationsBell initial={notifications} markRead={markNotificationsReadAction} />
      </AppHeader>
      {user.emailVerified ? null : <VerifyEmailBanner email={user.email} resend={resendVerificationAction} />}
      <main className="mx-auto max-w-4xl space-y-4 px-4 py-8">
        {email === 'verified' && user.emailVerified ? (
          <p role="status" className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-800">
            Your email is verified.
          </p>
        ) : null}
        {email === 'link-expired' && !user.emailVerified ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            That verification link has expired or was already used. Use Resend for a new one.
          </p>
        ) : null}
        <DocumentImport>
          <div className="flex flex-wrap items-center justify-between gap-3">
            <h1 className="text-2xl font-semibold">Documents</h1>
            <div className="flex flex-wrap items-center gap-2">
              <ImportButton />
              <NewDocumentButton createDocument={createDocumentAction} />
            </div>
          </div>
          <DocumentSearch />
          <ImportDropZone>
            <LiveDocumentList initialDocuments={documents} selfId={user.id} />
          </ImportDropZone>
        </DocumentImport>
        <KeepLocalCopiesInStep user={{ id: user.id, name: user.name }} documentIds={documents.map((doc) => doc.id)} />
      </main>
    </LiveEventsProvider>
  )
}
