'use client'

import { useEffect, useState, useSyncExternalStore } from 'react'
import type { TokenAccess } from '@/lib/access'
import { CollabSession, type CollabSnapshot } from '../engine/CollabSession'
import { resolveSyncUrl } from '../engine/syncUrl'

export interface UseCollabSessionOptions {
  documentId: string
  /** SYNC_URL from the server, or null for "this host on syncPort". */
  syncUrl: string | null
  syncPort: number
  initialAccess: TokenAccess
  /** Whose local copy to open (components/editor/engine/LocalFirst.ts). */
  userId: string
}

/**
 * Opens the document's collaboration session in an effect (never during
 * render: the server has no WebSocket, and StrictMode mounts twice in dev),
 * and closes it on unmount. Null until the effect has run.
 */
export function useCollabSession({ documentId, syncUrl, syncPort, initialAccess, userId }: UseCollabSessionOptions): CollabSession | null {
  const [session, setSession] = useState<CollabSession | null>(null)
  useEffect(() => {
    const opened = new CollabSession({
      documentId,
      serverUrl: resolveSyncUrl(syncUrl, syncPort, window.location),
      initialAccess,
      // Where the browser has no IndexedDB (some private modes), edits live in the tab only, and the status says so.
      ...(typeof indexedDB === 'undefined' ? {} : { localCopyFor: { userId } }),
    })
    opened.start()
    // Deliberate: the session can only be created after mount (it needs `window`, and
    // StrictMode's mount-unmount-mount must destroy the first one), so state is set here.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setSession(opened)
    return () => {
      opened.destroy()
      setSession(null)
    }
  }, [documentId, syncUrl, syncPort, initialAccess, userId])
  return session
}

const BEFORE_CONNECTING: CollabSnapshot = {
  status: 'connecting',
  writable: false,
  loaded: false,
  closedReason: null,
  viaHttp: false,
  localCopy: null,
  unsavedOnServer: false,
}
const noSubscription = () => () => {}

/** The session's status, writability and load state, re-rendering when they change. */
export function useCollabSnapshot(session: CollabSession | null): CollabSnapshot {
  return useSyncExternalStore(
    session?.subscribe ?? noSubscription,
    () => session?.getSnapshot() ?? BEFORE_CONNECTING,
    () => BEFORE_CONNECTING,
  )
}
