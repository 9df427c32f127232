/**
 * The sync server: one HTTP server whose port serves /healthz, /metrics, the
 * document API, and WebSocket upgrades at /<docId>.
 *
 * This file puts the server together and owns the upgrade and shutdown;
 * each part has a file of its own (server/README.md has the map).
 *
 * Connection lifecycle:
 *   upgrade → judge the raw path and authorise over HTTP (400/401/403/410,
 *   never a socket) → load the room (shared between concurrent joins) →
 *   accept the socket → Connection.open (join: sync step 1, awareness,
 *   read-only notice) → messages → close (presence removed, the room idles
 *   out ROOM_IDLE_MS later).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { Duplex } from 'node:stream'
import pino, { type Logger } from 'pino'
import { WebSocketServer, type WebSocket } from 'ws'
import { importVerificationKey } from '../lib/token'
import { authorize } from './authorize'
import { Connection, type ConnectionContext, type ConnectionIdentity, type RenewalResult } from './Connection'
import { DependencyMonitor, type Dependency } from './DependencyMonitor'
import { EditReporter } from './EditReporter'
import { Documents } from './documents'
import { LocalFanout } from './fanout/LocalFanout'
import type { Fanout } from './fanout/Fanout'
import { EventStreamSocket } from './http/EventStreamSocket'
import { StreamSessions } from './http/StreamSessions'
import { handleHttpRequest, identityOf, type HttpContext } from './httpApi'
import { ServerMetrics } from './metrics'
import { DEFAULT_LIMITS, type ServerLimits, type SyncServerOptions } from './options'
import { PersistQueue } from './PersistQueue'
import type { DocumentStore } from './persistence/DocumentStore'
import { docIdOfUpgradePath, parseRequestTarget, pathBelowPrefix } from './requestTarget'
import type { Room } from './room/Room'
import { RoomRegistry } from './RoomRegistry'

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  410: 'Gone',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

/** How often the database and Redis are pinged for the latency metrics. */
const DEPENDENCY_CHECK_INTERVAL_MS = 5_000

/** How long shutdown waits for clients to acknowledge the 1001 close before cutting them off. */
const CLOSE_GRACE_MS = 1_000

/**
 * How often connections are checked for an expired token: one sweep for the
 * whole server (no timer per connection), well within the promised 5 s.
 */
const TOKEN_EXPIRY_SWEEP_MS = 1_000

export class SyncServer {
  readonly limits: ServerLimits
  readonly metrics: ServerMetrics
  private readonly log: Logger
  private readonly store: DocumentStore
  private readonly fanout: Fanout
  private readonly key: Promise<CryptoKey>
  private readonly persistQueue: PersistQueue
  private readonly editReporter: EditReporter | null
  private readonly registry: RoomRegistry
  private readonly documents: Documents
  private readonly http: Server
  private readonly wss: WebSocketServer
  private readonly connections = new Set<Connection>()
  private readonly connectionContext: ConnectionContext
  /** The HTTP transport's sessions; each is also in `connections`. */
  private readonly streams: StreamSessions
  private readonly dependencies: DependencyMonitor
  private heartbeat: NodeJS.Timeout | null = null
  private expirySweep: NodeJS.Timeout | null = null
  private policyRecheck: NodeJS.Timeout | null = null
  private stopping: Promise<void> | null = null
  private readonly pathPrefix: string

  constructor(options: SyncServerOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits }
    this.pathPrefix = options.pathPrefix ?? ''
    this.log = options.log ?? pino({ level: 'silent' })
    this.store = options.store
    this.fanout = options.fanout ?? new LocalFanout()
    this.key = importVerificationKey(options.authSecret)
    this.metrics = new ServerMetrics(
      {
        connections: () => ({ websocket: this.connections.size - this.streams.size, http: this.streams.size }),
        rooms: () => this.registry.size,
        coldRooms: () => this.registry.coldCount,
      },
      { processMetrics: true },
    )
    const dependencies: Dependency[] = [{ name: 'database', ping: () => this.store.ping() }]
    if (this.fanout.shared) dependencies.push({ name: 'redis', ping: () => this.fanout.ping() })
    this.dependencies = new DependencyMonitor(dependencies, {
      latency: this.metrics.dependencyLatency,
      errors: this.metrics.dependencyErrors,
    })
    this.persistQueue = new PersistQueue(
      this.store,
      {
        intervalMs: this.limits.persistIntervalMs,
        onBatchWritten: (seconds) => this.metrics.persistSeconds.observe(seconds),
        onBatchFailed: () => this.dependencies.recordError('database'),
      },
      this.log,
    )
    this.editReporter = options.editWebhook
      ? new EditReporter({ url: options.editWebhook.url, intervalMs: options.editWebhook.intervalMs, secret: options.authSecret, log: this.log })
      : null
    this.registry = new RoomRegistry({
      roomIdleMs: this.limits.roomIdleMs,
      log: this.log,
      deps: {
        store: this.store,
        persistQueue: this.persistQueue,
        fanout: this.fanout,
        metrics: this.metrics,
        compactAfterUpdates: this.limits.compactAfterUpdates,
        coldAfterMs: this.limits.roomColdAfterMs,
        versions: {
          idleMs: this.limits.versionIdleMs,
          maxMs: this.limits.versionMaxMs,
          record: async (docId) => {
            await this.persistQueue.flush()
            return this.store.createVersion(docId, { kind: 'auto', label: null, createdAt: Date.now(), onlyIfChanged: true })
          },
        },
        presenceLimits: { maxAwarenessBytes: this.limits.maxAwarenessBytes, maxAwarenessClients: this.limits.maxAwarenessClients },
        log: this.log,
        edits: this.editReporter ?? undefined,
      },
      onDocumentMessage: (room, message) => this.documents.handleFromElsewhere(room, message),
    })
    this.documents = new Documents({
      store: this.store,
      rooms: this.registry,
      persistQueue: this.persistQueue,
      fanout: this.fanout,
      log: this.log,
    })
    // A relayed access change or deletion lost during the outage is made up for from the store.
    this.fanout.onReconnect(() => void this.documents.recheckPolicies())
    this.connectionContext = {
      limits: this.limits,
      metrics: this.metrics,
      authorizeRenewal: (docId, token) => this.authorizeRenewal(docId, token),
      onClosed: (conn) => this.connections.delete(conn),
    }
    // maxPayload makes ws itself close an oversized frame's connection with 1009. Text frames are refused
    // whole with 1003 (docs/sync-protocol.md, "Bad input"), so ws need not check their UTF-8 (it would close with 1007).
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.limits.maxMessageBytes,
      perMessageDeflate: false,
      skipUTF8Validation: true,
    })
    this.streams = new StreamSessions({
      acquire: (docId) => this.registry.acquire(docId),
      release: (room) => this.registry.release(room),
      accept: (socket, room, identity) => this.accept(socket, room, identity),
      idleMs: this.limits.streamIdleMs,
      keepAliveMs: this.limits.streamKeepAliveMs,
      log: this.log,
    })
    const httpContext: HttpContext = {
      key: () => this.key,
      store: this.store,
      documents: this.documents,
      metrics: this.metrics,
      maxMessageBytes: this.limits.maxMessageBytes,
      isStopping: () => this.stopping !== null,
      checkDependencies: () => this.dependencies.check(),
      lastPersistError: () => this.persistQueue.lastError,
      metricsToken: options.metricsToken,
      pathPrefix: this.pathPrefix,
      streams: this.streams,
      log: this.log,
    }
    this.http = createServer((req, res) => void handleHttpRequest(httpContext, req, res))
    this.http.on('upgrade', (req, socket, head) => void this.handleUpgrade(req, socket, head))
    this.http.on('clientError', (_error, socket) => socket.destroy())
  }

  /** Starts listening; port 0 picks a free port. */
  listen(port: number, host: string): Promise<{ port: number }> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject)
      this.http.listen(port, host, () => {
        this.http.off('error', reject)
        this.heartbeat = setInterval(() => this.beat(), this.limits.heartbeatIntervalMs)
        this.expirySweep = setInterval(() => this.closeExpired(), TOKEN_EXPIRY_SWEEP_MS)
        // Alone, an instance applies every access change and deletion itself: nothing can be missed.
        if (this.fanout.shared) this.policyRecheck = setInterval(() => void this.documents.recheckPolicies(), this.limits.policyRecheckIntervalMs)
        this.dependencies.start(DEPENDENCY_CHECK_INTERVAL_MS)
        this.streams.start()
        const address = this.http.address()
        const boundPort = typeof address === 'object' && address ? address.port : port
        this.log.info({ port: boundPort, host }, 'listening')
        resolve({ port: boundPort })
      })
    })
  }

  /**
   * Stops accepting, closes every connection with 1001, writes everything
   * received, folds every room into a snapshot and closes the store.
   * Idempotent: a second call returns the first call's promise.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown()
    return this.stopping
  }

  private async shutdown(): Promise<void> {
    this.log.info({ connections: this.connections.size, rooms: this.registry.size }, 'shutting down')
    for (const timer of [this.heartbeat, this.expirySweep, this.policyRecheck]) if (timer) clearInterval(timer)
    this.dependencies.stop()
    this.streams.stop()
    const httpClosed = new Promise<void>((resolve) => this.http.close(() => resolve()))
    this.http.closeIdleConnections()
    for (const conn of this.connections) conn.goAway()
    await this.waitForSocketsToClose(CLOSE_GRACE_MS)
    await this.persistQueue.flush()
    await this.registry.unloadAll()
    this.editReporter?.close()
    this.persistQueue.stop()
    await this.fanout.close()
    await this.store.close()
    this.http.closeAllConnections()
    await httpClosed
    this.log.info('stopped')
  }

  private async waitForSocketsToClose(graceMs: number): Promise<void> {
    const deadline = Date.now() + graceMs
    while (this.connections.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    for (const conn of this.connections) conn.terminate()
  }

  private async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy())
    if (this.stopping) return refuseUpgrade(socket, 503, 'shutting down')
    // The path as sent, never normalised: `/../etc` is the bad docId `../etc` (400), not `etc`.
    const target = parseRequestTarget(req.url)
    // Outside SYNC_PATH_PREFIX is no document at all (404); inside, the rest is judged as sent.
    const below = pathBelowPrefix(target.path, this.pathPrefix)
    if (below === null) return refuseUpgrade(socket, 404, 'not found')
    const docId = docIdOfUpgradePath(below)
    let room: Room | null = null
    try {
      const auth = await authorize(await this.key, this.store, { docId, token: new URLSearchParams(target.query).get('token'), needs: 'read' })
      if (!auth.ok) return refuseUpgrade(socket, auth.status, auth.reason)
      room = await this.registry.acquire(docId)
      // The client may have gone while the room loaded (y-redis's isClosed check).
      if (socket.destroyed || this.stopping || room.deleted) {
        if (!socket.destroyed) refuseUpgrade(socket, room.deleted ? 410 : 503, 'unavailable')
        return
      }
      const joined = room
      const identity = identityOf(auth)
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, joined, identity))
    } catch (error) {
      this.log.error({ err: error, docId }, 'upgrade failed')
      if (!socket.destroyed) refuseUpgrade(socket, 500, 'internal error')
    } finally {
      if (room) this.registry.release(room)
    }
  }

  /** A WebSocket, or an HTTP session's event stream: from here on both are a Connection. */
  private accept(socket: WebSocket | EventStreamSocket, room: Room, identity: ConnectionIdentity): Connection {
    const conn = new Connection(socket, identity, room, this.connectionContext)
    this.connections.add(conn)
    conn.open()
    return conn
  }

  private beat(): void {
    for (const conn of this.connections) conn.heartbeat()
  }

  private closeExpired(): void {
    const nowSeconds = Math.floor(Date.now() / 1000)
    for (const conn of this.connections) conn.closeIfExpired(nowSeconds)
  }

  /** A fresh token sent on a live connection is judged as an upgrade's is. */
  private async authorizeRenewal(docId: string, token: string): Promise<RenewalResult> {
    const auth = await authorize(await this.key, this.store, { docId, token, needs: 'read' })
    return auth.ok ? { ok: true, identity: identityOf(auth) } : { ok: false, reason: auth.reason }
  }
}

/** Answers a refused upgrade over plain HTTP: a stock client sees the status, no socket is ever opened. */
function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = JSON.stringify({ error: reason })
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n` +
      'Connection: close\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  )
}
