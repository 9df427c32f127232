/**
 * CollabSession with a local copy, opened while the network is gone (issue 12,
 * "Opening while offline"). Node has no IndexedDB, so fake-indexeddb stands in
 * for the browser's; y-indexeddb, the session and its status rules are real.
 * The browser story itself is e2e/offline-open.spec.ts.
 */
import 'fake-indexeddb/auto'
import { IndexeddbPersistence } from 'y-indexeddb'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { CollabSession, type CollabSnapshot } from './CollabSession'
import { localCopyDbName } from './localCopyNames'
import { SyncStatus } from './syncStatus'

const USER = 'dana'
const sessions: CollabSession[] = []

afterEach(() => {
  for (const session of sessions.splice(0)) session.destroy()
})

/** Waits for the session's snapshot to pass `check` (vitest's own polling), and returns it. */
const snapshotWhen = (session: CollabSession, check: (snapshot: CollabSnapshot) => void) =>
  vi.waitFor(
    () => {
      const snapshot = session.getSnapshot()
      check(snapshot)
      return snapshot
    },
    { timeout: 5000, interval: 20 },
  )

/** What an earlier visit left in this browser: the document's copy in IndexedDB. */
async function keepLocalCopy(documentId: string, text: string): Promise<void> {
  const doc = new Y.Doc()
  const persistence = new IndexeddbPersistence(localCopyDbName(USER, documentId), doc)
  await persistence.whenSynced
  doc.getText('kept').insert(0, text)
  // y-indexeddb stores each update in its own transaction; one read after it sees it committed.
  await persistence.get('anything')
  await persistence.destroy()
  doc.destroy()
}

describe('CollabSession opened offline on a local copy', () => {
  it('says offline when the web app fails to answer only after the copy is on screen', async () => {
    const documentId = `offline-${Date.now().toString(36)}`
    await keepLocalCopy(documentId, 'Written online.')
    let failTokenRequest: (error: Error) => void = () => {}
    const session = new CollabSession({
      documentId,
      serverUrl: 'ws://127.0.0.1:9', // never reached: there is no token to connect with
      initialAccess: 'write',
      fetchToken: () => new Promise((_resolve, reject) => (failTokenRequest = reject)),
      localCopyFor: { userId: USER },
    })
    sessions.push(session)
    session.start()

    // The copy loads first; the status waits to hear from the network.
    const shown = await snapshotWhen(session, (snapshot) => expect(snapshot.loaded).toBe(true))
    expect(shown.status).toBe(SyncStatus.Connecting)
    expect(shown.localCopy).toBe('written')

    // Then the token request fails, as a browser with no network makes it fail, and nothing else happens.
    failTokenRequest(new TypeError('Failed to fetch'))
    const offline = await snapshotWhen(session, (snapshot) => expect(snapshot.status).toBe(SyncStatus.Offline))
    expect(offline).toMatchObject({ loaded: true, writable: true, localCopy: 'written' })
  })
})
