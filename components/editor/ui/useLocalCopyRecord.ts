'use client'

import { useEffect } from 'react'
import type { Role } from '@/lib/roles'
import type { CollabSnapshot } from '../engine/CollabSession'
import { browserStorage, LocalCatalog, rememberDeviceUser, type DeviceUser } from '../engine/localCatalog'

/**
 * Keeps this browser's catalog entry for the open document current (title,
 * role, whether edits are waiting for the server), which the offline list and
 * sign-out read, and remembers who is signed in for the offline pages.
 * Nothing once the session has closed for good: the engine erased the copy.
 */
export function useLocalCopyRecord(user: DeviceUser, documentId: string, title: string, role: Role, snapshot: CollabSnapshot | null) {
  const closed = !!snapshot?.closedReason
  const unsavedOnServer = snapshot?.unsavedOnServer
  const storage = browserStorage()

  useEffect(() => {
    if (storage) rememberDeviceUser(storage, user)
  }, [storage, user])

  useEffect(() => {
    if (!storage || closed) return
    new LocalCatalog(storage, user.id).put(documentId, { title, role, openedAt: new Date().toISOString() })
  }, [storage, closed, user.id, documentId, title, role])

  useEffect(() => {
    if (!storage || closed || unsavedOnServer === undefined) return
    new LocalCatalog(storage, user.id).update(documentId, { unsavedOnServer })
  }, [storage, closed, user.id, documentId, unsavedOnServer])
}
