import { getDb } from '@/app/_data/db'
import { listDocumentsForUser } from '@/app/_data/documents'
import { lastEventId, listNotifications } from '@/app/_data/events/store'
import { requireUser } from '@/app/_data/session'
import { createDocumentAction } from '@/app/actions/documents'
import { markNotificationsReadAction } from '@/app/actions/notifications'
import { AppHeader } from '@/components/AppHeader'
import { NewDocumentButton } from '@/components/documents/NewDocumentButton'
import { LiveDocumentList } from '@/components/live/LiveDocumentList'
import { LiveEventsProvider } from '@/components/live/LiveEventsProvider'
import { NotificationsBell } from '@/components/live/NotificationsBell'

/**
 * `/`: my documents and those shared with me, kept live over GET /api/events
 * from the last event id read here. Signed-out visitors go to /signin and come back.
 */
export default async function HomePage() {
  const user = await requireUser('/')
  const db = await getDb()
  // The event id first: anything that happens while the rest is read is replayed, never lost.
  const after = await lastEventId(db, user.id)
  const [documents, notifications] = await Promise.all([listDocumentsForUser(db, user.id), listNotifications(db, user.id)])
  return (
    <LiveEventsProvider after={after}>
      <AppHeader userName={user.name}>
        <NotificationsBell initial={notifications} markRead={markNotificationsReadAction} />
      </AppHeader>
      <main className="mx-auto max-w-4xl space-y-4 px-4 py-8">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h1 className="text-2xl font-semibold">Documents</h1>
          <NewDocumentButton createDocument={createDocumentAction} />
        </div>
        <LiveDocumentList initialDocuments={documents} selfId={user.id} />
      </main>
    </LiveEventsProvider>
  )
}
