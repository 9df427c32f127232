/**
 * `next start` (the production build) as a child process on a free port,
 * resolved once it serves /signin. Used by the e2e workers
 * (e2e/fixtures/servers.ts) and by vitest tests that need the real web app
 * over HTTP (app/api/events/route.test.ts). Needs a build: call
 * `ensureWebAppBuild()` from scripts/buildWebApp.mjs first.
 */
import path from 'node:path'
import { REPO_ROOT } from './paths'
import { freePort } from './ports'
import { spawnGroup, type GroupChild } from './processGroup'

const HOST = '127.0.0.1'

export interface WebAppProcessOptions {
  /** DATA_DIR, AUTH_SECRET, SYNC_PORT, DATABASE_URL, …: over the parent's environment. */
  env: Record<string, string>
  output: NodeJS.WritableStream
  onSpawn?: (pid: number) => void
}

export interface WebAppProcess {
  url: string
  child: GroupChild
  stop: () => Promise<void>
}

export async function startWebAppProcess(options: WebAppProcessOptions): Promise<WebAppProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const child = spawnGroup(process.execPath, [path.join(REPO_ROOT, 'node_modules/next/dist/bin/next'), 'start', '-H', HOST, '-p', String(port)], {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', ...options.env },
      output: options.output,
      onSpawn: options.onSpawn,
    })
    const url = `http://${HOST}:${port}`
    if (await waitUntilServing(`${url}/signin`, child)) {
      return { url, child, stop: async () => void (await child.stop(5_000)) }
    }
    child.kill('SIGKILL')
    await child.exited
    if (attempt >= 3) throw new Error('the web app did not start; see its log')
  }
}

/** Polls `url` until it answers 200; false if the process exits first (e.g. the port was taken) or 60 s pass. */
async function waitUntilServing(url: string, child: GroupChild): Promise<boolean> {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.hasExited()) return false
    try {
      const response = await fetch(url)
      if (response.ok) return true
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return false
}
