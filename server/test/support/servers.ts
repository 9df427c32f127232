/**
 * Real sync servers for integration tests: a SyncServer in this process on
 * 127.0.0.1 port 0, or the real server process (testkit/syncServerProcess.ts).
 * Each has a fresh temp data dir and a random secret, and is stopped after the
 * test.
 */
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import type { Logger } from 'pino'
import { SyncServer } from '../../SyncServer'
import { openSqliteStore } from '../../persistence/SqliteStore'
import type { ServerLimits, SyncServerOptions } from '../../options'
import { startSyncServerProcess, type ExitInfo, type LogLine } from '../../../testkit/syncServerProcess'
import { defer, tempDir } from './teardown'
import { makeToken, type TokenClaims, type TokenOptions } from './tokens'
import { observeStore, type ObservedStore } from './store'
import { sleep } from './wait'

export { REPO_ROOT } from '../../../testkit/paths'
export { freePort, isPortFree } from '../../../testkit/ports'
export type { LogLine } from '../../../testkit/syncServerProcess'

// ---------------------------------------------------------------- in-process server

export interface TestServerOptions {
  limits?: Partial<ServerLimits>
  editWebhook?: SyncServerOptions['editWebhook']
  metricsToken?: string
  /** Defaults to a silent logger. */
  log?: Logger
}

export interface TestServer {
  readonly port: number
  readonly wsUrl: string
  readonly httpUrl: string
  readonly dataDir: string
  readonly secret: string
  /** The store the current server instance uses. */
  readonly store: ObservedStore
  token(claims: TokenClaims, opts?: TokenOptions): Promise<string>
  /** Stops the server and starts a new one on the same data dir (the port may change). */
  restart(): Promise<void>
  stop(): Promise<void>
}

/** A SyncServer in this process on 127.0.0.1, port 0, fresh temp data dir, random secret. */
export async function startTestServer(overrides: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = tempDir('tandem-data-')
  const secret = randomBytes(24).toString('base64url')
  let server: SyncServer | null = null
  let store!: ObservedStore
  let port = 0
  const start = async () => {
    store = observeStore(openSqliteStore(dataDir))
    server = new SyncServer({
      authSecret: secret,
      store,
      limits: overrides.limits,
      metricsToken: overrides.metricsToken,
      log: overrides.log,
      editWebhook: overrides.editWebhook,
    })
    port = (await server.listen(0, '127.0.0.1')).port
  }
  const stop = async () => {
    const s = server
    server = null
    if (s) await s.stop()
    await store.close()
  }
  await start()
  defer(stop)
  return {
    get port() {
      return port
    },
    get wsUrl() {
      return `ws://127.0.0.1:${port}`
    },
    get httpUrl() {
      return `http://127.0.0.1:${port}`
    },
    dataDir,
    secret,
    get store() {
      return store
    },
    token: (claims, opts) => makeToken(secret, claims, opts),
    restart: async () => {
      await stop()
      await start()
    },
    stop,
  }
}

// ---------------------------------------------------------------- child-process server

export interface SpawnedServer {
  /** pid of the spawned process (node, or npm for `viaNpm`); it leads its own process group. */
  readonly pid: number
  readonly port: number
  readonly wsUrl: string
  readonly httpUrl: string
  readonly dataDir: string
  readonly secret: string
  readonly logs: LogLine[]
  readonly stdout: string[]
  readonly stderr: string[]
  token(claims: TokenClaims, opts?: TokenOptions): Promise<string>
  /** Signals the whole process group (default) or only the spawned process. */
  kill(signal: NodeJS.Signals, opts?: { processOnly?: boolean }): void
  readonly exited: Promise<ExitInfo>
  /** Once exited and all of its output read (for checks on everything it wrote). */
  readonly outputClosed: Promise<void>
  hasExited(): boolean
}

export interface SpawnOptions {
  /** Extra environment; a key set to undefined is removed. Defaults: PORT=0, HOST=127.0.0.1, fresh DATA_DIR, random AUTH_SECRET, LOG_LEVEL=info. */
  env?: Record<string, string | undefined>
  /** Run `npm run server` instead of `node --max-semi-space-size=4 dist/server/main.js`. */
  viaNpm?: boolean
  /** Run this shell command (through `sh -c`) instead, e.g. a command quoted from the README. */
  shellCommand?: string
  cwd?: string
  /** Resolve without waiting for the listening line (for servers expected to fail). */
  waitForListening?: boolean
  startTimeoutMs?: number
}

/**
 * Starts the real server process in its own process group and waits for its
 * `"msg":"listening"` log line to learn the port. The test runner's own server
 * variables never leak in; it is killed (the whole group) after the test.
 */
export async function spawnServer(options: SpawnOptions = {}): Promise<SpawnedServer> {
  const child = await startSyncServerProcess({
    isolateEnv: true,
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: tempDir('tandem-data-'),
      AUTH_SECRET: randomBytes(24).toString('base64url'),
      LOG_LEVEL: 'info',
      ...options.env,
    },
    command: options.shellCommand ? { shell: options.shellCommand } : options.viaNpm ? 'npm' : 'node',
    cwd: options.cwd,
    waitForListening: options.waitForListening,
    startTimeoutMs: options.startTimeoutMs,
  })
  defer(async () => {
    if (!child.hasExited()) {
      child.kill('SIGKILL')
      await Promise.race([child.exited, sleep(5000)])
    }
  })
  const { env, port } = child
  const secret = env.AUTH_SECRET ?? ''
  // Where a test reaches it: the default HOST is localhost; a wildcard bind is reached over loopback.
  const host = !env.HOST ? 'localhost' : env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST
  return {
    pid: child.pid,
    port,
    wsUrl: `ws://${host}:${port}`,
    httpUrl: `http://${host}:${port}`,
    dataDir: env.DATA_DIR ?? path.join(child.cwd, 'data'),
    secret,
    logs: child.logs,
    stdout: child.stdout,
    stderr: child.stderr,
    token: (claims, opts) => makeToken(secret, claims, opts),
    kill: child.kill,
    exited: child.exited,
    outputClosed: child.closed,
    hasExited: child.hasExited,
  }
}
