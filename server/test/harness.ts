/**
 * Integration-test harness: real servers (in-process on port 0, or a child
 * process), real sockets, real SQLite in a temp dir, stock y-websocket clients.
 * Everything a helper starts is torn down after each test (afterEach below),
 * child processes by process group.
 */
import { afterEach, expect } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto'
import { SignJWT, importPKCS8 } from 'jose'
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { SyncServer } from '../SyncServer'
import { openSqliteStore } from '../persistence/SqliteStore'
import type { DocumentStore, StoredDocument } from '../persistence/DocumentStore'
import type { ServerLimits } from '../options'
import { signAccessToken, type AccessClaims } from '../../lib/token'
import { decodeFrame, syncStep1Frame, type Frame } from './wire'

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..')

// ---------------------------------------------------------------- teardown

type Cleanup = () => unknown | Promise<unknown>
const cleanups: Cleanup[] = []

/** Registers `fn` to run after the current test, last registered first. */
export function defer(fn: Cleanup): void {
  cleanups.push(fn)
}

afterEach(async () => {
  const errors: unknown[] = []
  while (cleanups.length > 0) {
    const fn = cleanups.pop()!
    try {
      await fn()
    } catch (error) {
      errors.push(error)
    }
  }
  if (errors.length > 0) console.warn('teardown errors:', errors)
})

// Belt and braces: never leave a spawned server behind, even if the worker dies.
const livePids = new Set<number>()
process.on('exit', () => {
  for (const pid of livePids) {
    try {
      process.kill(-pid, 'SIGKILL')
    } catch {
      /* already gone */
    }
  }
})

// ---------------------------------------------------------------- small utilities

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Retries `fn` until it stops throwing (or returns without a failed assertion);
 * rethrows the last error after `timeoutMs`.
 */
export async function eventually<T>(
  fn: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 20 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return await fn()
    } catch (error) {
      if (Date.now() > deadline) throw error
    }
    await sleep(intervalMs)
  }
}

/** Asserts `fn` keeps passing for `forMs` (for "never" promises, after a positive marker). */
export async function consistently(fn: () => unknown | Promise<unknown>, forMs = 300, intervalMs = 25): Promise<void> {
  const deadline = Date.now() + forMs
  for (;;) {
    await fn()
    if (Date.now() > deadline) return
    await sleep(intervalMs)
  }
}

export function tempDir(prefix = 'tandem-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  defer(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

let docCounter = 0
/** A docId unique to this test run and test, so rooms never collide. */
export function docId(label = 'doc'): string {
  const testName = expect.getState().currentTestName ?? 'anon'
  const slug = testName.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(-40)
  const id = `${slug}_${label}_${process.pid}_${++docCounter}_${randomBytes(3).toString('hex')}`
  return id.replace(/[^A-Za-z0-9_-]/g, '-').slice(-128)
}

export const nowSeconds = () => Math.floor(Date.now() / 1000)

/** Waits until the wall clock's second is past `second` (so a token's iat is strictly later). */
export async function afterSecond(second: number): Promise<void> {
  while (nowSeconds() <= second) await sleep(25)
}

// ---------------------------------------------------------------- tokens

export interface TokenClaims {
  doc: string
  sub?: string
  access?: AccessClaims['access']
  name?: string
}

export function makeToken(
  secret: string,
  claims: TokenClaims,
  opts: { expiresInSeconds?: number; issuedAt?: number } = {},
): Promise<string> {
  return signAccessToken(secret, { sub: claims.sub ?? 'alice', doc: claims.doc, access: claims.access ?? 'write', name: claims.name }, opts)
}

const b64url = (value: Buffer | string) => Buffer.from(value).toString('base64url')

/**
 * Builds a JWT by hand, for the malformed cases `lib/token.ts` would never make:
 * any header, any payload, HMAC with any hash (or none).
 */
export function handMadeJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: string | null,
  hash: 'sha256' | 'sha384' | 'sha512' = 'sha256',
): string {
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`
  if (key === null) return `${signingInput}.`
  const signature = createHmac(hash, Buffer.from(key, 'utf8')).update(signingInput).digest()
  return `${signingInput}.${b64url(signature)}`
}

/** A complete, valid claim set for `doc`, to be broken one field at a time. */
export function validPayload(doc: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = nowSeconds() - 5
  return { sub: 'alice', doc, access: 'write', iat, exp: iat + 3600, ...extra }
}

/** Every way a token can be wrong; each must give 401 on the upgrade (and on the HTTP API). */
export async function tokenDefects(secret: string, doc: string): Promise<Array<[string, string | null]>> {
  const now = nowSeconds()
  const ok = validPayload(doc)
  const without = (claim: string) => {
    const p = { ...ok }
    delete p[claim]
    return p
  }
  return [
    ['missing', null],
    ['empty', ''],
    ['not a JWT', 'not-a-jwt'],
    ['three garbage segments', 'aaa.bbb.ccc'],
    ['bad signature (other secret)', handMadeJwt({ alg: 'HS256' }, ok, secret + 'x')],
    ['bad signature (tampered payload)', (() => {
      const good = handMadeJwt({ alg: 'HS256' }, ok, secret)
      const [h, , s] = good.split('.')
      const evil = Buffer.from(JSON.stringify({ ...ok, access: 'admin', sub: 'mallory' })).toString('base64url')
      return `${h}.${evil}.${s}`
    })()],
    ['alg none, unsigned', handMadeJwt({ alg: 'none' }, ok, null)],
    ['alg HS384 with the right secret', handMadeJwt({ alg: 'HS384' }, ok, secret, 'sha384')],
    ['alg HS512 with the right secret', handMadeJwt({ alg: 'HS512' }, ok, secret, 'sha512')],
    ['header says HS512, signed HS256', handMadeJwt({ alg: 'HS512' }, ok, secret, 'sha256')],
    ['expired', handMadeJwt({ alg: 'HS256' }, { ...ok, iat: now - 7200, exp: now - 3600 }, secret)],
    ['nbf in the future', handMadeJwt({ alg: 'HS256' }, { ...ok, nbf: now + 3600 }, secret)],
    ['no sub', handMadeJwt({ alg: 'HS256' }, without('sub'), secret)],
    ['no doc', handMadeJwt({ alg: 'HS256' }, without('doc'), secret)],
    ['no access', handMadeJwt({ alg: 'HS256' }, without('access'), secret)],
    ['no iat', handMadeJwt({ alg: 'HS256' }, without('iat'), secret)],
    ['no exp', handMadeJwt({ alg: 'HS256' }, without('exp'), secret)],
    ['unknown access "owner"', handMadeJwt({ alg: 'HS256' }, { ...ok, access: 'owner' }, secret)],
    ['unknown access "none"', handMadeJwt({ alg: 'HS256' }, { ...ok, access: 'none' }, secret)],
    ['access of the wrong type', handMadeJwt({ alg: 'HS256' }, { ...ok, access: ['write'] }, secret)],
    ['RS256 (asymmetric algorithm)', await rs256Token(doc)],
  ]
}

async function rs256Token(doc: string): Promise<string> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const key = await importPKCS8(pem, 'RS256')
  const p = validPayload(doc)
  return new SignJWT({ doc, access: 'write' })
    .setProtectedHeader({ alg: 'RS256' })
    .setSubject(String(p.sub))
    .setIssuedAt(Number(p.iat))
    .setExpirationTime(Number(p.exp))
    .sign(key)
}

// ---------------------------------------------------------------- instrumented store

/**
 * The real SQLite store, observed: counts loads per document, can slow loads
 * down (to catch a room answering before it has loaded) and can make `ping`
 * fail (to see /healthz report it). Every other method passes straight
 * through (a Proxy, so the wrapper never lags behind the interface).
 */
export interface ObservedStore extends DocumentStore {
  readonly inner: DocumentStore
  readonly loads: Map<string, number>
  loadDelayMs: number
  pingFailure: Error | null
  /** The stored document as text, read through the real store (not the server). */
  storedText(docId: string, name?: string): Promise<string>
}

export function observeStore(inner: DocumentStore): ObservedStore {
  const state = { loads: new Map<string, number>(), loadDelayMs: 0, pingFailure: null as Error | null, closed: false }
  const own: Record<string, unknown> = {
    inner,
    load: async (docId: string): Promise<StoredDocument> => {
      state.loads.set(docId, (state.loads.get(docId) ?? 0) + 1)
      if (state.loadDelayMs > 0) await sleep(state.loadDelayMs)
      return inner.load(docId)
    },
    ping: async (): Promise<void> => {
      if (state.pingFailure) throw state.pingFailure
      return inner.ping()
    },
    close: async (): Promise<void> => {
      if (state.closed) return
      state.closed = true
      await inner.close()
    },
    storedText: async (docId: string, name = 'text'): Promise<string> => {
      const stored = await inner.load(docId)
      const doc = new Y.Doc()
      for (const update of stored.updates) Y.applyUpdate(doc, update)
      return doc.getText(name).toString()
    },
  }
  return new Proxy(inner, {
    get(target, prop) {
      if (typeof prop === 'string') {
        if (prop === 'loads') return state.loads
        if (prop === 'loadDelayMs') return state.loadDelayMs
        if (prop === 'pingFailure') return state.pingFailure
        if (prop in own) return own[prop]
      }
      const value = Reflect.get(target, prop, target) as unknown
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
    set(target, prop, value) {
      if (prop === 'loadDelayMs') state.loadDelayMs = value as number
      else if (prop === 'pingFailure') state.pingFailure = value as Error | null
      else return Reflect.set(target, prop, value)
      return true
    },
  }) as ObservedStore
}

// ---------------------------------------------------------------- in-process server

export interface TestServerOptions {
  limits?: Partial<ServerLimits>
}

export interface TestServer {
  readonly port: number
  readonly wsUrl: string
  readonly httpUrl: string
  readonly dataDir: string
  readonly secret: string
  /** The store the current server instance uses. */
  readonly store: ObservedStore
  token(claims: TokenClaims, opts?: { expiresInSeconds?: number; issuedAt?: number }): Promise<string>
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
    server = new SyncServer({ authSecret: secret, store, limits: overrides.limits })
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

export interface LogLine {
  level?: number
  msg?: string
  port?: number
  pid?: number
  [key: string]: unknown
}

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
  token(claims: TokenClaims, opts?: { expiresInSeconds?: number; issuedAt?: number }): Promise<string>
  /** Signals the whole process group (default) or only the spawned process. */
  kill(signal: NodeJS.Signals, opts?: { processOnly?: boolean }): void
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  hasExited(): boolean
}

export interface SpawnOptions {
  /** Extra environment; a key set to undefined is removed. Defaults: PORT=0, HOST=127.0.0.1, fresh DATA_DIR, random AUTH_SECRET. */
  env?: Record<string, string | undefined>
  /** Run `npm run server` instead of `node --import tsx server/main.ts`. */
  viaNpm?: boolean
  /** Run this shell command (through `sh -c`) instead, e.g. a command quoted from the README. */
  shellCommand?: string
  cwd?: string
  /** Resolve without waiting for the listening line (for servers expected to fail). */
  waitForListening?: boolean
  startTimeoutMs?: number
}

/**
 * Starts the real server process, detached into its own process group, and
 * waits for its `"msg":"listening"` log line to learn the port.
 */
export async function spawnServer(options: SpawnOptions = {}): Promise<SpawnedServer> {
  const defaults: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: tempDir('tandem-data-'),
    AUTH_SECRET: randomBytes(24).toString('base64url'),
    LOG_LEVEL: 'info',
  }
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value
  // Never let the test runner's own settings leak into the server.
  for (const key of ['PORT', 'HOST', 'DATA_DIR', 'AUTH_SECRET', 'LOG_LEVEL', 'MAX_MESSAGE_BYTES', 'MAX_MESSAGES_PER_SECOND', 'ROOM_IDLE_MS', 'DATABASE_URL', 'REDIS_URL', 'NODE_OPTIONS']) {
    delete env[key]
  }
  Object.assign(env, defaults)
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key]
    else env[key] = value
  }
  const cwd = options.cwd ?? REPO_ROOT
  const command = options.shellCommand ? '/bin/sh' : options.viaNpm ? 'npm' : process.execPath
  const args = options.shellCommand
    ? ['-c', options.shellCommand]
    : options.viaNpm
      ? ['run', '--silent', 'server']
      : // An absolute loader URL so a different cwd still finds tsx.
        ['--import', import.meta.resolve('tsx'), path.join(REPO_ROOT, 'server/main.ts')]
  const child: ChildProcess = spawn(command, args, {
    cwd,
    env: env as NodeJS.ProcessEnv,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const pid = child.pid!
  livePids.add(pid)
  const logs: LogLine[] = []
  const stdout: string[] = []
  const stderr: string[] = []
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      exitInfo = { code, signal }
      livePids.delete(pid)
      resolve(exitInfo)
    })
  })
  const onLines = (sink: string[], parse: boolean) => {
    let pending = ''
    return (chunk: Buffer) => {
      pending += chunk.toString('utf8')
      const lines = pending.split('\n')
      pending = lines.pop()!
      for (const line of lines) {
        sink.push(line)
        if (!parse) continue
        try {
          const parsed = JSON.parse(line) as unknown
          if (parsed && typeof parsed === 'object') logs.push(parsed as LogLine)
        } catch {
          /* npm's banner and other non-JSON lines */
        }
      }
    }
  }
  child.stdout!.on('data', onLines(stdout, true))
  child.stderr!.on('data', onLines(stderr, true))
  const kill = (signal: NodeJS.Signals, opts: { processOnly?: boolean } = {}) => {
    if (exitInfo) return
    try {
      process.kill(opts.processOnly ? pid : -pid, signal)
    } catch {
      /* gone */
    }
  }
  defer(async () => {
    if (!exitInfo) {
      kill('SIGKILL')
      await Promise.race([exited, sleep(5000)])
    }
  })
  let port = 0
  if (options.waitForListening !== false) {
    const deadline = Date.now() + (options.startTimeoutMs ?? 30_000)
    for (;;) {
      const line = logs.find((l) => l.msg === 'listening' && typeof l.port === 'number')
      if (line) {
        port = line.port as number
        break
      }
      if (exitInfo) {
        throw new Error(`server exited before listening (${JSON.stringify(exitInfo)}):\n${stdout.join('\n')}\n${stderr.join('\n')}`)
      }
      if (Date.now() > deadline) throw new Error(`server did not log "listening" in time:\n${stdout.join('\n')}\n${stderr.join('\n')}`)
      await sleep(25)
    }
  }
  const secret = env.AUTH_SECRET ?? ''
  // Where a test reaches it: the contract's default HOST is localhost; a wildcard bind is reached over loopback.
  const host = !env.HOST ? 'localhost' : env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST
  return {
    pid,
    port,
    wsUrl: `ws://${host}:${port}`,
    httpUrl: `http://${host}:${port}`,
    dataDir: env.DATA_DIR ?? path.join(cwd, 'data'),
    secret,
    logs,
    stdout,
    token: (claims, opts) => makeToken(secret, claims, opts),
    kill,
    exited,
    hasExited: () => exitInfo !== null,
  }
}

/** A TCP port that was free a moment ago (for restarting a server where clients expect it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer()
    srv.once('error', () => resolve(false))
    srv.listen(port, host, () => srv.close(() => resolve(true)))
  })
}

// ---------------------------------------------------------------- stock client

export interface StockClient {
  doc: Y.Doc
  provider: WebsocketProvider
  text(name?: string): string
  /** Close events the provider saw (codes), in order. */
  closeCodes: number[]
  /** Set when the provider stopped reconnecting (a 44xx close). */
  terminal: { code: number; reason: string } | null
  waitSynced(timeoutMs?: number): Promise<void>
  destroy(): void
}

export interface ServerAddress {
  wsUrl: string
}

/** A stock y-websocket WebsocketProvider (ws polyfill, no BroadcastChannel) on a fresh Y.Doc. */
export function connectClient(
  server: ServerAddress,
  room: string,
  token: string,
  opts: { doc?: Y.Doc; awareness?: Record<string, unknown>; connect?: boolean } = {},
): StockClient {
  const doc = opts.doc ?? new Y.Doc()
  const provider = new WebsocketProvider(server.wsUrl, room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    params: { token },
    connect: opts.connect ?? true,
    maxBackoffTime: 500,
  })
  if (opts.awareness) provider.awareness.setLocalState(opts.awareness)
  const client: StockClient = {
    doc,
    provider,
    text: (name = 'text') => doc.getText(name).toString(),
    closeCodes: [],
    terminal: null,
    waitSynced: (timeoutMs = 10_000) =>
      eventually(
        () => {
          if (!provider.synced) throw new Error(`client for ${room} not synced`)
        },
        { timeoutMs },
      ),
    destroy: () => {
      provider.destroy()
      doc.destroy()
    },
  }
  provider.on('connection-close', (event) => {
    if (event) client.closeCodes.push(event.code)
  })
  provider.on('closed', (event) => {
    client.terminal = event
  })
  defer(() => client.destroy())
  return client
}

/** Connects a stock client and waits until it has synced. */
export async function syncedClient(
  server: ServerAddress,
  room: string,
  token: string,
  opts: { doc?: Y.Doc; awareness?: Record<string, unknown> } = {},
): Promise<StockClient> {
  const client = connectClient(server, room, token, opts)
  await client.waitSynced()
  return client
}

// ---------------------------------------------------------------- raw ws client

export interface CloseInfo {
  code: number
  reason: string
}

export class RawClient {
  readonly ws: WebSocket
  readonly frames: Frame[] = []
  /** When each of `frames` arrived (Date.now()). */
  readonly frameTimes: number[] = []
  closeInfo: CloseInfo | null = null
  /** HTTP status when the upgrade was refused. */
  refusedStatus: number | null = null
  readonly opened: Promise<void>
  readonly closed: Promise<CloseInfo>
  constructor(url: string) {
    this.ws = new WebSocket(url)
    this.ws.binaryType = 'nodebuffer'
    // Listen before anything arrives: "on joining, a connection gets ..." is measured from here.
    this.ws.on('message', (data: Buffer, isBinary: boolean) => {
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice()
      this.frames.push(isBinary ? decodeFrame(bytes) : { type: 'undecodable', raw: bytes, error: 'text frame' })
      this.frameTimes.push(Date.now())
    })
    this.ws.on('error', () => {
      /* reported through close / unexpected-response */
    })
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve())
      this.ws.once('unexpected-response', (_req, res) => {
        this.refusedStatus = res.statusCode ?? null
        res.resume()
        reject(new Error(`upgrade refused with HTTP ${res.statusCode}`))
        this.ws.terminate()
      })
      this.ws.once('close', () => reject(new Error('closed before open')))
    })
    this.opened.catch(() => {})
    this.closed = new Promise((resolve) => {
      this.ws.once('close', (code: number, reason: Buffer) => {
        this.closeInfo = { code, reason: reason.toString('utf8') }
        resolve(this.closeInfo)
      })
    })
    defer(() => this.terminate())
  }
  /** The close code, waiting at most `timeoutMs` (a server that never closes fails fast, not at the test timeout). */
  async closeCode(timeoutMs = 10_000): Promise<number> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`connection still open after ${timeoutMs} ms (frames: ${this.frames.map((f) => f.type).join(',')})`)), timeoutMs)
    })
    try {
      return (await Promise.race([this.closed, timeout])).code
    } finally {
      clearTimeout(timer)
    }
  }
  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN
  }
  send(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.ws.send(bytes, { binary: true }, (err) => (err ? reject(err) : resolve())))
  }
  sendText(text: string): Promise<void> {
    return new Promise((resolve, reject) => this.ws.send(text, { binary: false }, (err) => (err ? reject(err) : resolve())))
  }
  framesOf<T extends Frame['type']>(type: T): Extract<Frame, { type: T }>[] {
    return this.frames.filter((f): f is Extract<Frame, { type: T }> => f.type === type)
  }
  /** Polls until a frame matching `pred` has arrived (searching from `fromIndex`). */
  async waitFor(pred: (f: Frame) => boolean, { timeoutMs = 10_000, fromIndex = 0 } = {}): Promise<Frame> {
    return eventually(
      () => {
        const found = this.frames.slice(fromIndex).find(pred)
        if (!found) throw new Error(`expected frame not received; got ${this.frames.map((f) => f.type).join(',')}`)
        return found
      },
      { timeoutMs },
    )
  }
  /**
   * Sends sync step 1 and waits for the step 2 answer: proof that the connection
   * is open and that everything it sent before has been processed.
   */
  async roundTrip(timeoutMs = 10_000): Promise<void> {
    const from = this.frames.length
    await this.send(syncStep1Frame())
    await this.waitFor((f) => f.type === 0 && f.step === 1, { timeoutMs, fromIndex: from })
  }
  /** The document as the server's step 2 answers describe it (fresh round trip). */
  async serverDoc(): Promise<Y.Doc> {
    const from = this.frames.length
    await this.send(syncStep1Frame())
    const f = (await this.waitFor((fr) => fr.type === 0 && fr.step === 1, { fromIndex: from })) as Extract<Frame, { type: 0 }>
    const doc = new Y.Doc()
    Y.applyUpdate(doc, f.payload)
    return doc
  }
  terminate(): void {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate()
  }
  close(code?: number): void {
    this.ws.close(code)
  }
}

export async function rawClient(server: ServerAddress, room: string, token: string | null): Promise<RawClient> {
  const client = new RawClient(roomUrl(server, room, token))
  await client.opened
  return client
}

export function roomUrl(server: ServerAddress, room: string, token: string | null): string {
  return `${server.wsUrl}/${room}${token === null ? '' : `?token=${encodeURIComponent(token)}`}`
}

/**
 * Attempts an upgrade and reports its outcome: the HTTP status of a refusal
 * (with the body), or 101 when the socket opened (it is closed again at once).
 */
export function upgradeStatus(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    ws.on('error', (error) => reject(error))
    ws.once('unexpected-response', (_req, res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body })
        ws.terminate()
      })
    })
    ws.once('open', () => {
      resolve({ status: 101, body: '' })
      ws.terminate()
    })
  })
}

// ---------------------------------------------------------------- HTTP

export interface HttpAddress {
  httpUrl: string
}

export async function api(
  server: HttpAddress,
  method: string,
  urlPath: string,
  opts: { token?: string | null; body?: Uint8Array | string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; bytes: Uint8Array; text: string }> {
  const headers: Record<string, string> = { ...opts.headers }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  if (opts.body instanceof Uint8Array && !headers['content-type']) headers['content-type'] = 'application/octet-stream'
  if (typeof opts.body === 'string' && !headers['content-type']) headers['content-type'] = 'application/json'
  const res = await fetch(server.httpUrl + urlPath, { method, headers, body: opts.body as BodyInit | undefined })
  const bytes = new Uint8Array(await res.arrayBuffer())
  return { status: res.status, headers: res.headers, bytes, text: Buffer.from(bytes).toString('utf8') }
}

/** The server's current text of `room`, through GET /docs/<id>/update with a fresh read token. */
export async function serverText(server: HttpAddress & { token: TestServer['token'] }, room: string, name = 'text'): Promise<string> {
  return (await serverDocument(server, room)).getText(name).toString()
}

export async function serverDocument(server: HttpAddress & { token: TestServer['token'] }, room: string): Promise<Y.Doc> {
  const token = await server.token({ doc: room, sub: 'inspector', access: 'read' })
  const res = await api(server, 'GET', `/docs/${room}/update`, { token })
  if (res.status !== 200) throw new Error(`GET update for ${room}: ${res.status} ${res.text}`)
  const doc = new Y.Doc()
  Y.applyUpdate(doc, res.bytes)
  return doc
}

// ---------------------------------------------------------------- metrics

export interface MetricSample {
  name: string
  labels: string
  value: number
}

export function parseMetrics(text: string): { samples: MetricSample[]; types: Map<string, string> } {
  const samples: MetricSample[] = []
  const types = new Map<string, string>()
  for (const line of text.split('\n')) {
    const typeMatch = /^# TYPE (\S+) (\S+)/.exec(line)
    if (typeMatch) {
      types.set(typeMatch[1], typeMatch[2])
      continue
    }
    if (!line || line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line)
    if (m) samples.push({ name: m[1], labels: m[2] ?? '', value: Number(m[3]) })
  }
  return { samples, types }
}

/** Sum of every sample named exactly `name` (all label sets). */
export async function metric(server: HttpAddress, name: string): Promise<number> {
  const res = await api(server, 'GET', '/metrics')
  if (res.status !== 200) throw new Error(`/metrics: ${res.status}`)
  const { samples } = parseMetrics(res.text)
  const matching = samples.filter((s) => s.name === name)
  if (matching.length === 0) throw new Error(`metric ${name} missing`)
  return matching.reduce((sum, s) => sum + s.value, 0)
}

// ---------------------------------------------------------------- Yjs helpers

export function textOf(doc: Y.Doc, name = 'text'): string {
  return doc.getText(name).toString()
}

/** The local clock of `doc`'s own client: what a saved ack must reach. */
export function localClock(doc: Y.Doc): number {
  return Y.getState(doc.store, doc.clientID)
}
