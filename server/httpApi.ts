/**
 * Plain HTTP on the sync server's port: /healthz, /metrics and the document
 * API (docs/sync-protocol.md, "HTTP on the same port"). HTTP only: route,
 * authorise, parse and validate the body, hand the operation to documents.ts,
 * write the answer. WebSocket upgrades are SyncServer's.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import { z } from 'zod'
import { LIVE_ACCESS_LEVELS, type AccessLevel } from '../lib/access'
import { isValidDocId } from '../lib/docId'
import { authorize } from './authorize'
import type { HealthReport } from './DependencyMonitor'
import type { Documents } from './documents'
import type { ServerMetrics } from './metrics'
import type { DocumentStore } from './persistence/DocumentStore'
import type { Author, VersionRecord } from './persistence/history'
import { assertValidUpdate } from './protocol'
import { parseRequestTarget, pathBelowPrefix } from './requestTarget'
import { SyncError } from './SyncError'

export interface HttpContext {
  key(): Promise<CryptoKey>
  /** For authorisation (deletion times, access changes). */
  store: DocumentStore
  documents: Documents
  metrics: ServerMetrics
  maxMessageBytes: number
  isStopping(): boolean
  checkDependencies(): Promise<HealthReport>
  /** The last failed write, until a write succeeds again. */
  lastPersistError(): Error | null
  /** When set, /metrics wants `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string
  /** SYNC_PATH_PREFIX ('' for none): the document API and a second /healthz live under it. */
  pathPrefix: string
  log: Logger
}

/**
 * What /healthz says about a failing dependency. Never the driver's own
 * message: that can carry host names, users or parts of a connection
 * string. The detail goes to the log.
 */
const FAILING_REASON = { database: 'the database is not answering', redis: 'redis is not answering' } as const

/**
 * Every path under /docs/ names a document: `/docs/<docId>` then an action
 * (none, `/update` or `/access`). Both are read as sent: a first segment that
 * is not a valid docId (`/docs/../x`, `/docs/%2e%2e/x`), or a dot segment
 * after it (`/docs/y/../x/update`), is a bad document id (400); a good docId
 * with an action we do not serve is an unknown route (404).
 */
const DOCS_PREFIX = '/docs/'
const DOCUMENT_ACTIONS: ReadonlySet<string> = new Set(['', '/update', '/access', '/versions'])
/** `/versions/<id>` and `/versions/<id>/restore`; the id is checked apart, so a bad one is a 400, not a 404. */
const VERSION_ACTION = /^\/versions\/([^/]*)(\/restore)?$/
/** Version ids are the store's sequence: positive integers, sent as strings of digits. */
const VERSION_ID = /^[1-9][0-9]{0,14}$/
const MAX_VERSIONS_PAGE = 100
const DEFAULT_VERSIONS_PAGE = 50
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i

function documentRoute(path: string): { docId: string; action: string } | null {
  if (!path.startsWith(DOCS_PREFIX)) return null
  const rest = path.slice(DOCS_PREFIX.length)
  const slash = rest.indexOf('/')
  return slash === -1 ? { docId: rest, action: '' } : { docId: rest.slice(0, slash), action: rest.slice(slash) }
}

/** Labels are 1 to 100 characters, counted after trimming spaces. */
const LABEL_EXPECTED = 'expected {"label": "<1 to 100 characters>"}'
const labelSchema = z.object({ label: z.string().trim().min(1).max(100) }).strict()

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
    ctx.log.error({ err: error, method: req.method, path: parseRequestTarget(req.url).path }, 'request failed')
    if (!res.headersSent) sendJson(res, 500, { error: 'internal error' })
    else res.destroy()
  }
}

async function route(ctx: HttpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = parseRequestTarget(req.url).path
  const method = req.method ?? 'GET'
  // /healthz and /metrics stay at the root whatever the prefix: health checks and Prometheus reach each
  // instance directly. Through the proxy, /<prefix>/healthz answers too; /metrics is never served there.
  if (raw === '/healthz' && method === 'GET') return health(ctx, res)
  if (raw === '/metrics' && method === 'GET') {
    if (ctx.metricsToken !== undefined && !hasBearer(req, ctx.metricsToken)) {
      res.setHeader('www-authenticate', 'Bearer')
      throw new HttpError(401, 'metrics need Authorization: Bearer <METRICS_TOKEN>')
    }
    res.writeHead(200, { 'content-type': ctx.metrics.registry.contentType })
    res.end(await ctx.metrics.registry.metrics())
    return
  }
  const path = pathBelowPrefix(raw, ctx.pathPrefix)
  if (path === null) throw new HttpError(404, 'not found')
  if (ctx.pathPrefix !== '' && path === '/healthz' && method === 'GET') return health(ctx, res)
  const document = documentRoute(path)
  if (document) {
    const { docId, action } = document
    // First, as for an upgrade: a bad docId is 400 whatever the method or the token.
    if (!isValidDocId(docId) || DOT_SEGMENT.test(action)) throw new HttpError(400, 'invalid document id')
    const versionAction = VERSION_ACTION.exec(action)
    if (versionAction) {
      const id = versionAction[1]
      if (!VERSION_ID.test(id)) throw new HttpError(400, 'invalid version id')
      if (versionAction[2]) {
        if (method === 'POST') return restoreVersion(ctx, req, res, docId, Number(id))
      } else if (method === 'GET') return getVersionState(ctx, req, res, docId, Number(id))
      throw new HttpError(405, 'method not allowed')
    }
    if (!DOCUMENT_ACTIONS.has(action)) throw new HttpError(404, 'not found')
    if (method === 'GET' && action === '/versions') return listVersions(ctx, req, res, docId)
    if (method === 'POST' && action === '/versions') return nameVersion(ctx, req, res, docId)
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
  if (!report.ok) {
    ctx.log.warn({ failing: report.failing, err: report.reason }, 'health check: a dependency is failing')
    return sendJson(res, 503, { status: 'error', failing: report.failing, reason: FAILING_REASON[report.failing] })
  }
  const persistError = ctx.lastPersistError()
  if (persistError) {
    ctx.log.warn({ failing: 'database', err: persistError.message }, 'health check: the last write failed')
    return sendJson(res, 503, { status: 'error', failing: 'database', reason: 'writing to the database failed' })
  }
  sendJson(res, 200, { status: 'ok' })
}

/** The request carries `Authorization: Bearer <expected>`, compared in constant time. */
function hasBearer(req: IncomingMessage, expected: string): boolean {
  const header = req.headers.authorization
  if (!header?.startsWith('Bearer ')) return false
  // Digests have one length whatever was sent, so timingSafeEqual can compare them and the length leaks nothing.
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest()
  return timingSafeEqual(digest(header.slice('Bearer '.length).trim()), digest(expected))
}

async function getUpdate(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, docId: string): Promise<void> {
  await authorizeCall(ctx, req, docId, 'read')
  const update = await ctx.documents.read(docId)
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': update.length })
  res.end(update)
}

async function postUpdate(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, docId: string): Promise<void> {
  const author = await authorizeCall(ctx, req, docId, 'write')
  const body = await readBody(req, ctx.maxMessageBytes)
  if (body.length === 0) throw new HttpError(400, 'empty body: expected a Yjs update')
  try {
    assertValidUpdate(body)
  } catch {
    throw new HttpError(400, 'body is not a Yjs update')
  }
  try {
    await ctx.documents.write(docId, body, author)
  } catch (error) {
    // It decoded, then failed inside Yjs: the document was rebuilt without it.
    if (error instanceof SyncError) throw new HttpError(400, 'body is not an update this document can apply')
    throw error
  }
  res.writeHead(204).end()
}

async function deleteDocument(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, docId: string): Promise<void> {
  await authorizeCall(ctx, req, docId, 'admin')
  await ctx.documents.delete(docId)
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
  await ctx.documents.changeAccess(docId, parsed.sub, parsed.access)
  res.writeHead(204).end()
}

/** Refuses (401/403/410) a call its token does not allow; returns who made it, for authorship. */
async function authorizeCall(ctx: HttpContext, req: IncomingMessage, docId: string, needs: AccessLevel): Promise<Author> {
  const header = req.headers.authorization
  const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : null
  const result = await authorize(await ctx.key(), ctx.store, { docId, token, needs })
  if (!result.ok) throw new HttpError(result.status, result.reason)
  return { sub: result.token.sub, name: result.token.name ?? null }
}

/** A version as the API shows it (docs/sync-protocol.md, "Version history"). */
function versionJson(version: VersionRecord) {
  return {
    id: String(version.id),
    createdAt: new Date(version.createdAt).toISOString(),
    label: version.label,
    authors: version.authors.map(({ sub, name }) => ({ sub, name })),
    kind: version.kind,
  }
}

async function listVersions(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, docId: string): Promise<void> {
  await authorizeCall(ctx, req, docId, 'write')
  const query = new URLSearchParams(parseRequestTarget(req.url).query)
  const before = query.get('before')
  const limitText = query.get('limit')
  if (before !== null && !VERSION_ID.test(before)) throw new HttpError(400, 'before must be a version id')
  const limit = limitText === null ? DEFAULT_VERSIONS_PAGE : Number(limitText)
  if (!/^[0-9]{1,3}$/.test(limitText ?? '50') || limit < 1 || limit > MAX_VERSIONS_PAGE) {
    throw new HttpError(400, `limit must be a whole number from 1 to ${MAX_VERSIONS_PAGE}`)
  }
  const versions = await ctx.documents.versions(docId, { before: before === null ? undefined : Number(before), limit })
  sendJson(res, 200, { versions: versions.map(versionJson) })
}

async function getVersionState(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, docId: string, id: number): Promise<void> {
  await authorizeCall(ctx, req, docId, 'write')
  const state = await ctx.documents.versionState(docId, id)
  if (!state) throw new HttpError(404, 'no such version')
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': state.length })
  res.end(state)
}

async function nameVersion(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, docId: string): Promise<void> {
  const author = await authorizeCall(ctx, req, docId, 'write')
  const body = await readBody(req, ctx.maxMessageBytes)
  let parsed: z.infer<typeof labelSchema>
  try {
    parsed = labelSchema.parse(JSON.parse(body.toString('utf8')))
  } catch {
    throw new HttpError(400, LABEL_EXPECTED)
  }
  sendJson(res, 201, versionJson(await ctx.documents.nameVersion(docId, parsed.label, author)))
}

async function restoreVersion(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, docId: string, id: number): Promise<void> {
  const author = await authorizeCall(ctx, req, docId, 'write')
  // Nothing is read from the body; drain it so the connection can be reused.
  await readBody(req, ctx.maxMessageBytes)
  const restored = await ctx.documents.restore(docId, id, author)
  if (!restored) throw new HttpError(404, 'no such version')
  sendJson(res, 200, versionJson(restored))
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
