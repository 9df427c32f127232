/**
 * The servers under test and how to start, probe and stop each one as its own
 * child process. Every server gets the same preloaded probe (servers/probe.mjs)
 * and --expose-gc, a fresh port on 127.0.0.1 and a data dir under bench/.out/.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { signAccessToken } from '../../lib/token.ts'
import { SYNC_SERVER_NODE_FLAGS, ensureSyncServerBuild } from '../../scripts/buildSyncServer.mjs'
import { freePort } from '../../testkit/ports.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
export const REPO_ROOT = path.resolve(here, '../..')
const PROBE = path.join(REPO_ROOT, 'bench/servers/probe.mjs')
export const AUTH_SECRET = 'bench-secret-not-for-production-0123456789'

/**
 * framing: 'yws' = y-websocket messages; 'hocus' = Hocuspocus's (document name
 * before each message, auth message first). handshake: 'server' = the server
 * holds the document and answers sync step 1; 'none' = a relay, nobody answers.
 */
export const SERVERS = {
  tandem: {
    label: 'Tandem',
    short: 'T',
    framing: 'yws',
    handshake: 'server',
    persists: true,
    // The compiled server, as production runs it (START-20); startServer compiles it when stale.
    nodeArgs: SYNC_SERVER_NODE_FLAGS,
    script: 'dist/server/main.js',
    env: (dataDir) => ({
      DATA_DIR: dataDir,
      AUTH_SECRET,
      LOG_LEVEL: 'warn',
      // The default 1,000/s (bucket 5,000) would close the burst writer of A and the replay of D with 1008.
      MAX_MESSAGES_PER_SECOND: '1000000',
      // Scenario C waits for rooms to unload; 10 s default would dominate the run time.
      ROOM_IDLE_MS: '1000',
    }),
  },
  hocuspocus: {
    label: 'Hocuspocus',
    short: 'H',
    framing: 'hocus',
    handshake: 'server',
    persists: true,
    nodeArgs: [],
    script: 'bench/hocuspocus/server.mjs',
    env: (dataDir) => ({ DATA_DIR: dataDir }),
  },
  ywebsocket: {
    label: 'y-websocket',
    short: 'Y',
    framing: 'yws',
    handshake: 'server',
    persists: true,
    nodeArgs: [],
    script: 'bench/servers/ywebsocket.mjs',
    env: (dataDir) => ({ YPERSISTENCE: path.join(dataDir, 'leveldb') }),
  },
  relay: {
    label: 'ws relay',
    short: 'R',
    framing: 'yws',
    handshake: 'none',
    persists: false,
    nodeArgs: [],
    script: 'bench/servers/relay.mjs',
    env: () => ({}),
  },
}

/** Every child we started, so Ctrl-C or a crash of the harness can stop them by pid. */
const live = new Set()
let exitHooked = false
function hookExit() {
  if (exitHooked) return
  exitHooked = true
  const killAll = () => {
    for (const child of live) {
      try {
        process.kill(child.pid, 'SIGKILL')
      } catch {}
    }
  }
  process.on('exit', killAll)
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      killAll()
      process.exit(130)
    })
  }
}

// The one freePort of the repository's test support (testkit/ports.ts).
export { freePort }

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

async function waitHttp(port, deadlineMs) {
  const deadline = Date.now() + deadlineMs
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) })
      await res.arrayBuffer()
      return
    } catch {
      await sleep(50)
    }
  }
  throw new Error(`server on port ${port} did not answer within ${deadlineMs} ms`)
}

/**
 * Starts one server. `port` and `dataDir` are reused on restart (scenario D).
 * `cpuProfDir` turns on --cpu-prof; `heapSnapshots` lets SIGUSR2 write one.
 */
export async function startServer(kind, { dataDir, port, cpuProfDir, heapSnapshots } = {}) {
  hookExit()
  const spec = SERVERS[kind]
  if (kind === 'tandem') ensureSyncServerBuild((message) => console.error(`[bench] ${message}`))
  port ??= await freePort()
  const nodeArgs = ['--expose-gc', ...spec.nodeArgs, '--import', PROBE]
  if (cpuProfDir) nodeArgs.push('--cpu-prof', '--cpu-prof-dir', cpuProfDir)
  if (heapSnapshots) nodeArgs.push('--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${heapSnapshots}`)
  const child = spawn(process.execPath, [...nodeArgs, spec.script], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...spec.env(dataDir) },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  })
  live.add(child)
  let stderr = ''
  child.stderr.on('data', (chunk) => {
    // Keep the tail only: enough to explain a crash.
    stderr = (stderr + chunk).slice(-4000)
  })
  const exited = once(child, 'exit').then(([code, signal]) => {
    live.delete(child)
    return { code, signal }
  })
  child.on('error', () => {})
  const ready = waitHttp(port, 30_000)
  const early = exited.then(({ code, signal }) => {
    throw new Error(`${kind} exited during start (code ${code}, signal ${signal}): ${stderr}`)
  })
  await Promise.race([ready, early])
  early.catch(() => {})
  return new ServerHandle(kind, spec, child, port, dataDir, exited, () => stderr)
}

let probeSeq = 0

export class ServerHandle {
  constructor(kind, spec, child, port, dataDir, exited, stderr) {
    Object.assign(this, { kind, spec, child, port, dataDir, exited, stderr })
    this.pid = child.pid
    this.tokens = new Map()
  }

  get label() {
    return this.spec.label
  }

  /** A write token for Tandem (the others take none). */
  async token(doc) {
    if (this.kind !== 'tandem') return ''
    let token = this.tokens.get(doc)
    if (!token) {
      token = await signAccessToken(AUTH_SECRET, { sub: 'bench', doc, access: 'write' }, { expiresInSeconds: 3600 })
      this.tokens.set(doc, token)
    }
    return token
  }

  async url(doc) {
    const base = `ws://127.0.0.1:${this.port}`
    if (this.spec.framing === 'hocus') return base
    const token = await this.token(doc)
    return token ? `${base}/${doc}?token=${token}` : `${base}/${doc}`
  }

  /** Full GC in the server, then its heap and RSS (and room count where known). */
  async probe() {
    return this.ask('probe')
  }

  /** The server's longest event-loop stall (ms) since the last probe or eld(), then resets it. */
  async eld() {
    return this.ask('eld')
  }

  async ask(type) {
    const id = ++probeSeq
    const reply = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.kind}: ${type} timed out`)), 10_000)
      const onMessage = (msg) => {
        if (msg?.type === type && msg.id === id) {
          clearTimeout(timer)
          this.child.off('message', onMessage)
          resolve(msg)
        }
      }
      this.child.on('message', onMessage)
    })
    this.child.send({ type, id })
    const result = await reply
    if (type === 'probe' && result.rooms === null && this.kind === 'tandem') result.rooms = await this.metric('tandem_rooms')
    return result
  }

  /** One sample of Tandem's /metrics. */
  async metric(name) {
    const res = await fetch(`http://127.0.0.1:${this.port}/metrics`, { signal: AbortSignal.timeout(5000) })
    const text = await res.text()
    const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm').exec(text)
    return match ? Number(match[1]) : NaN
  }

  /** SIGTERM, then wait (bounded) for a clean exit; SIGKILL if it hangs. */
  async stop(timeoutMs = 15_000) {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs)
    const result = await this.exited
    clearTimeout(timer)
    return result
  }

  async kill() {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL')
    return this.exited
  }

  /** Stops this server ('kill' = SIGKILL, 'term' = SIGTERM) and starts the same one on the same port and data. */
  async restart(how, options = {}) {
    if (how === 'kill') await this.kill()
    else await this.stop()
    return startServer(this.kind, { ...options, dataDir: this.dataDir, port: this.port })
  }

  signal(name) {
    this.child.kill(name)
  }
}
