import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ensureSyncServerBuild } from '../../scripts/buildSyncServer.mjs'
import { ensureWebAppBuild } from '../../scripts/buildWebApp.mjs'

/**
 * Runs once per `playwright test`: compiles the sync server and builds the web
 * app if either build is stale,
 * and makes a run directory that every worker's servers keep their data in.
 * Each worker then starts its own sync server and web app (e2e/fixtures/servers.ts).
 *
 * The returned teardown deletes the run directory and stops any server process a
 * crashed worker left behind (workers list their children's PIDs in it).
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  ensureSyncServerBuild()
  ensureWebAppBuild()
  const runDir = mkdtempSync(path.join(tmpdir(), 'tandem-e2e-'))
  process.env.E2E_RUN_DIR = runDir
  return async () => {
    const pidFile = path.join(runDir, 'pids')
    if (existsSync(pidFile)) {
      for (const pid of readFileSync(pidFile, 'utf8').split('\n').filter(Boolean).map(Number)) {
        if (isOurServer(pid)) process.kill(-pid, 'SIGKILL') // each server runs in its own process group
      }
    }
    rmSync(runDir, { recursive: true, force: true })
  }
}

/** Still running, and still one of ours (a PID can be reused once its process is gone). */
function isOurServer(pid: number): boolean {
  try {
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    return /server\/main\.[jt]s/.test(commandLine) || commandLine.includes('next')
  } catch {
    return false // already stopped by its worker: the usual case
  }
}
