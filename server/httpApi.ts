/**
 * Plain HTTP on the sync server's port: /healthz, /metrics and the document API
 * (CONTRACT.md, "HTTP on the same port"). WebSocket upgrades are SyncServer's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import { z } from 'zod'
import { LIVE_ACCESS_LEVELS, type AccessLevel } from '../lib/access'
import { authorize } from './authorize'
import type { Fanout } from './fanout/Fanout'
import type { ServerMetrics } from './metrics'
import type { PersistQueue } from './PersistQueue'
import type { DocumentStore } from './persistence/DocumentStore'
import { assertValidUpdate } from './protocol'
import type { RoomRegistry } from './RoomRegistry'
import type { HealthReport } from './DependencyMonitor'

export interface HttpContext {
  key(): Promise<CryptoKey>
  store: DocumentStore
  registry: RoomRegistry
  persistQueue: PersistQueue
  fanout: Fanout
  metrics: ServerMetrics
  maxMessageBytes: number
  isStopping(): boolean
  checkDependencies(): Promise<HealthReport>
  log: Logger
}

const accessChangeSchema = z.object({
  sub: z.string().min(1).max(256),
  access: z.enum(LIVE_ACCESS_LEVELS),
})

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

/** Routes one request; never throws (a failure becomes a 500 and a log line). */
export async function handleHttpRequest(ctx: HttpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    await route(ctx, req, res)
  } catch (error) {
    if (error instanceof HttpError) {
      sendJson(res, error.status, { error: error.message })
      return
    }
    ctx.log.error({ err: error, method: req.method, path: pathOf(req) }, 'request failed')
    if (!res.headersSent) sendJson(res, 500, { error: 'internal error' })
    else res.destroy()
  }
}

async function route(ctx: HttpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = pathOf(req)
  const method = req.method ?? 'GET'
  if (path === '/healthz' && method === 'GET') return health(ctx, res)
  if (path === '/metrics' && method === 'GET') {
    res.writeHead(200, { 'content-type': ctx.metrics.registry.contentType })
    res.end(await ctx.metrics.registry.metrics())
    return
  }
  const match = /^\/docs\/([^/]+)(\/update|\/access)?$/.exec(path)
  if (match) {
    const [, docId, action = ''] = match
    if (method === 'GET' && action === '/update') return getUpdate(ctx, req, res, docId)
    if (method === 'POST' && action === '/update') return postUpdate(ctx, req, res, docId)
    if (method === 'DELETE' && action === '') return deleteDocument(ctx, req, res, docId)
    if (method === 'POST' && action === '/access') return changeAccess(ctx, req, res, docId)
    throw new HttpError(405, 'method not allowed')
  }
  throw new HttpError(404, 'not found')
}

async function health(ctx: HttpContext, res: ServerResponse): Promise<void> {
  if (ctx.isStopping()) return sendJson(res, 503, { status: 'error', failing: 'server', reason: 'shutting down' })
  const report = await ctx.checkDependencies()
  if (!report.ok) return sendJson(res, 503, { status: 'error', failing: report.failing, reason: report.reason })
  if (ctx.persistQueue.lastError) {
    return sendJson(res, 503, { status: 'error', failing: 'database', reason: ctx.persistQueue.lastError.message })
  }
  sendJson(res, 200, { status: 'ok' })
}

async function getUpdate(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, docId: string): Promise<void> {
  await authorizeCall(ctx, req, docId, 'read')
  const room = await ctx.registry.acquire(docId)
  try {
    const update = room.encodeState()
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': update.length })
    res.end(update)
  } finally {
    ctx.registry.release(room)
  }
}

async function postUpdate(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, docId: string): Promise<void> {
  await authorizeCall(ctx, req, docId, 'write')
  const body = await readBody(req, ctx.maxMessageBytes)
  if (body.length === 0) throw new HttpError(400, 'empty body: expected a Yjs update')
  try {
    assertValidUpdate(body)
  } catch {
    throw new HttpError(400, 'body is not a Yjs update')
  }
  const room = await ctx.registry.acquire(docId)
  try {
    room.applyUpdate(body, { source: 'api' })
    // Answer once it is durable: the caller may be about to tell a user "saved".
    await ctx.persistQueue.flush()
  } finally {
    ctx.registry.release(room)
  }
  res.writeHead(204).end()
}

async function deleteDocument(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, docId: string): Promise<void> {
  await authorizeCall(ctx, req, docId, 'admin')
  const room = await ctx.registry.peek(docId)
  room?.closeForDeletion()
  ctx.fanout.publish(docId, { kind: 'deleted' })
  // Drop what is queued and let an in-flight write finish, so nothing of the document is written after the delete.
  ctx.persistQueue.discard(docId)
  await ctx.persistQueue.flush()
  await ctx.store.deleteDocument(docId, nowSeconds())
  await ctx.registry.discard(docId)
  ctx.log.info({ docId }, 'document deleted')
  res.writeHead(204).end()
}

async function changeAccess(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, docId: string): Promise<void> {
  await authorizeCall(ctx, req, docId, 'admin')
  const body = await readBody(req, ctx.maxMessageBytes)
  let parsed: z.infer<typeof accessChangeSchema>
  try {
    parsed = accessChangeSchema.parse(JSON.parse(body.toString('utf8')))
  } catch {
    throw new HttpError(400, 'expected {"sub": "<user id>", "access": "read" | "write" | "none"}')
  }
  await ctx.store.recordAccessChange(docId, parsed.sub, { access: parsed.access, changedAt: nowSeconds() })
  const room = await ctx.registry.peek(docId)
  room?.applyAccessChange(parsed.sub, parsed.access)
  ctx.fanout.publish(docId, { kind: 'access', sub: parsed.sub, access: parsed.access })
  ctx.log.info({ docId, access: parsed.access }, 'access changed')
  res.writeHead(204).end()
}

async function authorizeCall(ctx: HttpContext, req: IncomingMessage, docId: string, needs: AccessLevel): Promise<void> {
  const header = req.headers.authorization
  const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : null
  const result = await authorize(await ctx.key(), ctx.store, { docId, token, needs })
  if (!result.ok) throw new HttpError(result.status, result.reason)
}

/** Reads a request body, refusing (413) anything over `limit` bytes without buffering it. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) {
    req.resume()
    return Promise.reject(new HttpError(413, `body over ${limit} bytes`))
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        req.removeAllListeners('data')
        req.resume()
        reject(new HttpError(413, `body over ${limit} bytes`))
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/'
  const query = url.indexOf('?')
  return query === -1 ? url : url.slice(0, query)
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000)
}
