'use client'

import { useEffect, useState } from 'react'
import { eraseLocalCopy } from '@/components/editor/engine/eraseLocalCopies'
import { browserStorage, LocalCatalog, rememberDeviceUser, type DeviceUser } from '@/components/editor/engine/localCatalog'

/**
 * On the document list (online): remembers who is signed in for the offline
 * pages, and deletes the local copies of documents no longer in the list
 * (deleted, or shared no more): their unsent edits are never sent.
 */
export function KeepLocalCopiesInStep({ user, documentIds }: { user: DeviceUser; documentIds: string[] }) {
  const listed = documentIds.join(' ')
  useEffect(() => {
    const storage = browserStorage()
    if (!storage) return
    rememberDeviceUser(storage, user)
    const accessible = new Set(listed.split(' '))
    for (const record of new LocalCatalog(storage, user.id).list()) {
      if (!accessible.has(record.documentId)) void eraseLocalCopy(user.id, record.documentId)
    }
  }, [user, listed])
  return null
}

/** On the "No access" page of a document: this browser forgets its copy. */
export function ForgetLocalCopy({ userId, documentId }: { userId: string; documentId: string }) {
  useEffect(() => {
    void eraseLocalCopy(userId, documentId)
  }, [userId, documentId])
  return null
}

/** "Available offline" next to a document this browser has a local copy of. */
export function AvailableOfflineBadge({ userId, documentId }: { userId: string; documentId: string }) {
  const [available, setAvailable] = useState(false)
  useEffect(() => {
    const storage = browserStorage()
    // Read after mount: the server cannot know what this browser holds.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setAvailable(!!storage && !!new LocalCatalog(storage, userId).get(documentId))
  }, [userId, documentId])
  return available ? <span className="ml-2 rounded bg-emerald-50 px-1.5 py-0.5 text-xs text-emerald-800">Available offline</span> : null
}
