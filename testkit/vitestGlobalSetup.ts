import { ensureSyncServerBuild } from '../scripts/buildSyncServer.mjs'

/**
 * Once per `vitest run`, before any worker starts: compiles the sync server
 * when dist/server is missing or stale, so the tests that start it as a
 * process (testkit/syncServerProcess.ts) run the build users run, and
 * parallel workers never race to rebuild it.
 */
export default function setup(): void {
  ensureSyncServerBuild()
}
