/**
 * The sync server as a child process, started the way users start it
 * (`node --max-semi-space-size=4 dist/server/main.js`, `npm run server`, or a
 * command quoted from the README), in its own process group
 * (./processGroup.ts). Resolves once the server logs `"msg":"listening"`,
 * which also tells the port. The compiled build (scripts/buildSyncServer.mjs)
 * is brought up to date first, so tests run what production runs.
 *
 * Plain Node, no test framework: the vitest harness (server/test/support/),
 * the e2e fixtures and the component tests all start the server through it.
 *
 * @example
 * const server = await startSyncServerProcess({ env: { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, AUTH_SECRET: secret } })
 * // … ws://127.0.0.1:${server.port}/<docId>?token=…
 * await server.stop()
 */
import path from 'node:path'
import { SYNC_SERVER_MAIN, SYNC_SERVER_NODE_FLAGS, ensureSyncServerBuild } from '../scripts/buildSyncServer.mjs'
import { REPO_ROOT } from './paths'
import { spawnGroup, type ExitInfo, type GroupChild } from './processGroup'

export type { ExitInfo } from './processGroup'

/** One parsed JSON log line of the server (pino). */
export interface LogLine {
  level?: number
  msg?: string
  port?: number
  pid?: number
  [key: string]: unknown
}

/** The variables the sync server reads (docs/sync-protocol.md, "Configuration"), plus NODE_OPTIONS. */
export const SYNC_SERVER_ENV = [
  'PORT',
  'HOST',
  'AUTH_SECRET',
  'DATA_DIR',
  'DATABASE_URL',
  'DATABASE_SCHEMA',
  'REDIS_URL',
  'REDIS_PREFIX',
  'MAX_MESSAGE_BYTES',
  'MAX_MESSAGES_PER_SECOND',
  'ROOM_IDLE_MS',
  'VERSION_IDLE_MS',
  'VERSION_MAX_MS',
  'SYNC_PATH_PREFIX',
  'LOG_LEVEL',
  'NODE_OPTIONS',
] as const

export type SyncServerCommand =
  /** `node --max-semi-space-size=4 dist/server/main.js`, the compiled server (the default). */
  | 'node'
  /** `node --import tsx server/main.ts`: the TypeScript sources, as in development. */
  | 'tsx'
  /** `npm run --silent server`. */
  | 'npm'
  /** Any command line, run with `sh -c` (e.g. one quoted from the README). */
  | { shell: string }

export interface StartSyncServerOptions {
  /** Set on top of this process's environment; a key set to undefined is removed. */
  env?: Record<string, string | undefined>
  /** Leave this process's own values of SYNC_SERVER_ENV out, so a test runner's settings never leak in. */
  isolateEnv?: boolean
  command?: SyncServerCommand
  /** Defaults to the repository root. */
  cwd?: string
  /** false: resolve at once (port 0), for a server expected to fail or one that logs nothing. */
  waitForListening?: boolean
  startTimeoutMs?: number
  output?: NodeJS.WritableStream
  onSpawn?: (pid: number) => void
}

export interface SyncServerChild extends GroupChild {
  /** The port from the "listening" line; 0 when not waited for. */
  readonly port: number
  /** The environment it was started with. */
  readonly env: Readonly<Record<string, string>>
  readonly cwd: string
  /** Every JSON line of its stdout and stderr, parsed, in order. */
  readonly logs: LogLine[]
  readonly stdout: string[]
  readonly stderr: string[]
}

/** The server exited, or never said it was listening. */
export class SyncServerStartError extends Error {
  constructor(
    message: string,
    /** True when the process exited before listening (e.g. its port was taken). */
    readonly exited: boolean,
  ) {
    super(message)
  }
}

function commandLine(command: SyncServerCommand): [string, string[]] {
  if (command === 'npm') return ['npm', ['run', '--silent', 'server']]
  if (command === 'node') return [process.execPath, [...SYNC_SERVER_NODE_FLAGS, SYNC_SERVER_MAIN]]
  if (command === 'tsx') {
    // An absolute loader URL, so that another cwd still finds tsx.
    return [process.execPath, ['--import', import.meta.resolve('tsx'), path.join(REPO_ROOT, 'server/main.ts')]]
  }
  return ['/bin/sh', ['-c', command.shell]]
}

function environment(options: StartSyncServerOptions): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value
  if (options.isolateEnv) for (const key of SYNC_SERVER_ENV) delete env[key]
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key]
    else env[key] = value
  }
  return env
}

/** Splits a byte stream into lines, keeping each and parsing the JSON ones into `logs`. */
function lineCollector(lines: string[], logs: LogLine[]): (chunk: Buffer) => void {
  let pending = ''
  return (chunk) => {
    pending += chunk.toString('utf8')
    const complete = pending.split('\n')
    pending = complete.pop()!
    for (const line of complete) {
      lines.push(line)
      try {
        const parsed = JSON.parse(line) as unknown
        if (parsed && typeof parsed === 'object') logs.push(parsed as LogLine)
      } catch {
        // npm's banner and other plain text.
      }
    }
  }
}

export async function startSyncServerProcess(options: StartSyncServerOptions = {}): Promise<SyncServerChild> {
  const env = environment(options)
  const cwd = options.cwd ?? REPO_ROOT
  const command = options.command ?? 'node'
  // Every way but tsx runs dist/server (the README's commands and `npm run server` do too).
  if (command !== 'tsx') ensureSyncServerBuild()
  const [file, args] = commandLine(command)
  const child = spawnGroup(file, args, { cwd, env: env as NodeJS.ProcessEnv, output: options.output, onSpawn: options.onSpawn })
  const logs: LogLine[] = []
  const stdout: string[] = []
  const stderr: string[] = []
  child.process.stdout!.on('data', lineCollector(stdout, logs))
  child.process.stderr!.on('data', lineCollector(stderr, logs))

  let port = 0
  if (options.waitForListening !== false) {
    const output = () => [...stdout, ...stderr].slice(-40).join('\n')
    const deadline = Date.now() + (options.startTimeoutMs ?? 30_000)
    for (;;) {
      const line = logs.find((l) => l.msg === 'listening' && typeof l.port === 'number')
      if (line) {
        port = line.port as number
        break
      }
      if (child.hasExited()) {
        const info: ExitInfo = await child.exited
        throw new SyncServerStartError(`the sync server exited before listening (${JSON.stringify(info)}):\n${output()}`, true)
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL')
        await child.exited
        throw new SyncServerStartError(`the sync server did not log "listening" in time:\n${output()}`, false)
      }
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  }
  return Object.assign(child, { port, env, cwd, logs, stdout, stderr })
}
