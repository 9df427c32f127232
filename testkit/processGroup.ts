/**
 * A child process in a process group of its own, stopped by its process id.
 * A signal to the group also reaches whatever the child started (npm starts
 * node, `sh -c` starts its command), and nothing is left behind when this
 * process exits, even after a failed test. Never kills by name: other
 * people's processes run on the same machine.
 */
import { spawn, type ChildProcess } from 'node:child_process'

export interface ExitInfo {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface GroupChild {
  /** Process id of the child, which leads its own process group. */
  readonly pid: number
  readonly process: ChildProcess
  readonly exited: Promise<ExitInfo>
  /** Resolves once the child has exited and its stdout and stderr are drained (everything it wrote has been read). */
  readonly closed: Promise<void>
  hasExited(): boolean
  /** Signals the whole group (default), or only the child itself; does nothing once the child has exited. */
  kill(signal: NodeJS.Signals, options?: { processOnly?: boolean }): void
  /** SIGTERM to the group, SIGKILL after `graceMs` if it is still there; resolves once the child is gone. */
  stop(graceMs?: number): Promise<ExitInfo>
}

export interface SpawnGroupOptions {
  cwd: string
  env: NodeJS.ProcessEnv
  /** Receives every chunk of stdout and stderr, as it arrives (a log file, say). */
  output?: NodeJS.WritableStream
  /** Called with the pid at once, e.g. to record it for a global teardown. */
  onSpawn?: (pid: number) => void
}

/** Groups still running, killed if this process exits first. */
const liveGroups = new Set<number>()
let exitHooked = false

function killLeftovers(): void {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL')
    } catch {
      // Already gone.
    }
  }
}

export function spawnGroup(file: string, args: readonly string[], options: SpawnGroupOptions): GroupChild {
  if (!exitHooked) {
    exitHooked = true
    process.on('exit', killLeftovers)
  }
  const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  if (child.pid === undefined) throw new Error(`could not start ${file}`)
  const pid = child.pid
  liveGroups.add(pid)
  options.onSpawn?.(pid)
  if (options.output) {
    const sink = options.output
    child.stdout!.on('data', (chunk: Buffer) => sink.write(chunk))
    child.stderr!.on('data', (chunk: Buffer) => sink.write(chunk))
  }
  let exitInfo: ExitInfo | null = null
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal }
      liveGroups.delete(pid)
      resolve(exitInfo)
    })
  })
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()))
  const kill = (signal: NodeJS.Signals, { processOnly = false } = {}) => {
    // Once the child is gone its pid may be reused: never signal it again.
    if (exitInfo) return
    try {
      process.kill(processOnly ? pid : -pid, signal)
    } catch {
      // ESRCH: already gone.
    }
  }
  return {
    pid,
    process: child,
    exited,
    closed,
    hasExited: () => exitInfo !== null,
    kill,
    async stop(graceMs = 10_000) {
      if (exitInfo) return exitInfo
      kill('SIGTERM')
      const timer = setTimeout(() => kill('SIGKILL'), graceMs)
      try {
        return await exited
      } finally {
        clearTimeout(timer)
      }
    },
  }
}
