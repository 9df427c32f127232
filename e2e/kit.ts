/**
 * The multi-user e2e kit: import everything a spec needs from here.
 *
 * - `test` with fixtures: `team` (named users on one document with roles),
 *   `actor` (one signed-up user), `persistentActor` (a user in a browser
 *   profile on disk, so IndexedDB and the service worker survive closing and
 *   reopening it: e2e/fixtures/persistent.ts), `syncServer` (this worker's sync server:
 *   `restart({ signal: 'SIGKILL' })`), `syncApi` (the server's HTTP document API).
 * - `expectConverged(users)`: everyone's editor shows the same document (follows progress).
 * - `expect` is Playwright's, with its default timeout scaled to the machine's
 *   pace; `paced(ms)` scales a quiet-machine budget of your own; `waitForProgress`
 *   waits while a state still changes (e2e/fixtures/pace.ts, progress.ts).
 * - Each user (`Actor`) has `editor` (e2e/pages/EditorPage.ts: type, select,
 *   format, text, blocks, people, remote carets, waitUntilSaved, …), `network`
 *   (goOffline, goOnline, setLatency), `open()`, `reload()` and `setRole()`.
 *
 * README.md ("Multi-user tests with the e2e kit") walks through an example.
 */
import { mergeTests } from '@playwright/test'
import { test as persistentTest } from './fixtures/persistent'
import { SyncApi } from './fixtures/syncApi'
import { test as teamTest } from './fixtures/team'

export const test = mergeTests(teamTest, persistentTest).extend<{ syncApi: SyncApi }>({
  syncApi: async ({ syncServer }, provide) => provide(new SyncApi(syncServer)),
})

export { currentSlowness, expect, paced } from './fixtures/pace'
export { waitForProgress } from './fixtures/progress'
export { Actor, type ActorFactory, type DocumentRole } from './fixtures/actors'
export { containsInOrder, expectConverged } from './fixtures/converge'
export { deafenSyncServer } from './fixtures/deafServer'
export { localCopyDatabases, waitUntilOfflineReady } from './fixtures/localCopies'
export { editorBlocks, paragraphsUpdate, SyncApi } from './fixtures/syncApi'
export { connectYjsClient, fetchTokenAs } from './fixtures/yjsClient'
export type { PersistentActor, PersistentActorFactory, PersistentBrowser } from './fixtures/persistent'
export type { SyncServerProcess } from './fixtures/servers'
export type { MemberSpec, Team, TeamFactory, TeamOptions } from './fixtures/team'
export type { FormatButton, Person, RemoteCaret, SyncStatus } from './pages/EditorPage'
