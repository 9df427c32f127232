import type { Metadata } from 'next'
import { getConfig } from '@/app/_data/config'
import { deleteDocumentAction, markEditedAction, renameDocumentAction } from '@/app/actions/documents'
import { OfflineApp } from '@/components/offline/OfflineApp'

export const metadata: Metadata = { title: 'Tandem' }

const documentActions = { rename: renameDocumentAction, markEdited: markEditedAction, deleteDocument: deleteDocumentAction }

/**
 * `/offline`: the shell the service worker (serviceWorker/sw.ts) caches and
 * shows, at the address asked for, whenever the server cannot be reached. It
 * is the same for everyone (no session is read: the worker fetches it
 * without cookies); the browser fills it from its own local copies.
 */
export default function OfflinePage() {
  const config = getConfig()
  return <OfflineApp sync={{ url: config.syncUrl, port: config.syncPort }} actions={documentActions} />
}
