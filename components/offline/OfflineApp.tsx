'use client'

import { useEffect, useState } from 'react'
import { DocumentWorkspace } from '@/components/editor/ui/DocumentWorkspace'
import type { DocumentActions } from '@/components/editor/ui/actions'
import { browserStorage, deviceUser, LocalCatalog, type DeviceUser, type LocalCopyRecord } from '@/components/editor/engine/localCatalog'
import { colorForUser } from '@/components/editor/engine/userColor'
import type { TokenAccess } from '@/lib/access'
import type { Role } from '@/lib/roles'
import { NeedsNetwork } from './NeedsNetwork'
import { OfflineDocumentList } from './OfflineDocumentList'

type Screen =
  | { kind: 'starting' }
  | { kind: 'signed-out' }
  | { kind: 'list'; user: DeviceUser; records: LocalCopyRecord[] }
  | { kind: 'document'; user: DeviceUser; record: LocalCopyRecord }
  | { kind: 'not-kept'; user: DeviceUser }
  | { kind: 'needs-network' }

const DOCUMENT_PATH = /^\/d\/([A-Za-z0-9_-]+)\/?$/

/** The same mapping as the server's (app/_data/policy.ts): the session only uses it until the server says otherwise. */
const ACCESS_FOR_ROLE: Record<Role, TokenAccess> = { owner: 'admin', editor: 'write', commenter: 'read', viewer: 'read' }

/** Which screen the address asks for, from what this browser holds for the user last signed in here. */
function screenFor(pathname: string): Screen {
  const storage = browserStorage()
  const user = storage ? deviceUser(storage) : null
  const documentPath = DOCUMENT_PATH.exec(pathname)
  if (pathname !== '/' && pathname !== '/offline' && !documentPath) return { kind: 'needs-network' }
  if (!storage || !user) return { kind: 'signed-out' }
  const catalog = new LocalCatalog(storage, user.id)
  if (!documentPath) return { kind: 'list', user, records: catalog.list() }
  const record = catalog.get(documentPath[1])
  return record ? { kind: 'document', user, record } : { kind: 'not-kept', user }
}

/**
 * The offline shell: the service worker answers any page the server cannot
 * be reached for with this one, at the address that was asked for. It holds
 * no one's data itself (it is fetched without cookies); it reads this
 * browser's catalog of local copies (engine/localCatalog.ts) after mounting.
 */
export function OfflineApp({ sync, actions }: { sync: { url: string | null; port: number }; actions: DocumentActions }) {
  const [screen, setScreen] = useState<Screen>({ kind: 'starting' })
  useEffect(() => {
    // The address and the storage exist only in the browser.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setScreen(screenFor(window.location.pathname))
  }, [])

  switch (screen.kind) {
    case 'starting':
      return null
    case 'needs-network':
      return <NeedsNetwork />
    case 'signed-out':
      return (
        <NeedsNetwork heading="You’re offline">
          <p className="text-slate-600">Signing in needs the network. Documents are available offline only to the person signed in on this browser.</p>
        </NeedsNetwork>
      )
    case 'not-kept':
      return (
        <NeedsNetwork heading="Not available offline">
          <p className="text-slate-600">This browser has no copy of this document. Open it once while online to keep one here.</p>
        </NeedsNetwork>
      )
    case 'list':
      return <OfflineDocumentList userName={screen.user.name} records={screen.records} />
    case 'document':
      return (
        <DocumentWorkspace
          documentId={screen.record.documentId}
          initialTitle={screen.record.title}
          role={screen.record.role}
          access={ACCESS_FOR_ROLE[screen.record.role]}
          user={{ id: screen.user.id, name: screen.user.name, color: colorForUser(screen.user.id) }}
          sync={sync}
          actions={actions}
          sharingActions={null}
          // Version history needs the sync server: nothing to offer offline.
          historyActions={null}
        />
      )
  }
}
