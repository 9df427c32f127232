/**
 * CollabSession against the real sync server (started as a child process, as
 * users run it): the saved acknowledgements, fresh tokens on reconnect, and the
 * final close codes. The browser e2e tests cover the same through the UI.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import type { TokenAccess } from '@/lib/access'
import { signAccessToken } from '@/lib/token'
import { startSyncServerProcess, type SyncServerChild } from '@/testkit/syncServerProcess'
import { CollabSession, type CollabSnapshot } from './CollabSession'
import { ClosedReason } from './syncStatus'
import { TokenRefusedError, type AccessTokenResponse } from './tokenClient'
import { until } from './testing/until'

// At least 32 bytes: the sync server refuses a shorter AUTH_SECRET.
const SECRET = 'collab-session-test-secret-32-bytes+'
let server: SyncServerChild
let dataDir: string
let port: number
const sessions: CollabSession[] = []


beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-collab-test-'))
  // Its own process group, stopped by pid in afterAll (testkit/syncServerProcess.ts); the port comes from its log.
  server = await startSyncServerProcess({
    env: { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, AUTH_SECRET: SECRET, LOG_LEVEL: 'info' },
  })
  port = server.port
})

afterEach(() => {
  for (const session of sessions.splice(0)) session.destroy()
})

afterAll(async () => {
  await server?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

let docCounter = 0
const newDocId = () => `collab-${process.pid}-${Date.now().toString(36)}-${++docCounter}`

/** A token source like the web app's route, counting its calls (and the expiry of each token it made). */
function tokenSource(userId: string, initialAccess: TokenAccess, ttlSeconds = 600) {
  const source = {
    calls: 0,
    access: initialAccess,
    refuse: null as ClosedReason | null,
    expiries: [] as number[],
    async fetch(documentId: string): Promise<AccessTokenResponse> {
      source.calls += 1
      if (source.refuse) throw new TokenRefusedError(source.refuse)
      const access = source.access
      const issuedAt = Math.floor(Date.now() / 1000)
      const token = await signAccessToken(SECRET, { sub: userId, doc: documentId, access, name: userId }, { expiresInSeconds: ttlSeconds, issuedAt })
      const expiresAt = (issuedAt + ttlSeconds) * 1000
      source.expiries.push(expiresAt)
      return { token, access, role: access === 'admin' ? 'owner' : access === 'write' ? 'editor' : 'viewer', expiresAt }
    },
  }
  return source
}

function open(documentId: string, source: ReturnType<typeof tokenSource>, access: TokenAccess) {
  const session = new CollabSession({
    documentId,
    serverUrl: `ws://127.0.0.1:${port}`,
    initialAccess: access,
    fetchToken: source.fetch,
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    readOnlyRecheckMs: 300,
  })
  sessions.push(session)
  session.start()
  return session
}

const status = (session: CollabSession) => session.getSnapshot().status
const waitFor = (session: CollabSession, predicate: (s: CollabSnapshot) => boolean) => until(() => session.getSnapshot(), predicate)

async function adminCall(method: string, documentId: string, suffix = '', body?: unknown) {
  const token = await signAccessToken(SECRET, { sub: 'owner', doc: documentId, access: 'admin' })
  const response = await fetch(`http://127.0.0.1:${port}/docs/${documentId}${suffix}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
  return response
}

describe('CollabSession', () => {
  it('is connecting, then saved; an edit shows as unsaved until the server says it stored it', async () => {
    const documentId = newDocId()
    const session = open(documentId, tokenSource('u1', 'admin'), 'admin')
    expect(status(session)).toBe('connecting')
    await waitFor(session, (s) => s.status === 'saved' && s.loaded && s.writable)

    session.doc.getText('body').insert(0, 'stored for real')
    expect(status(session)).toBe('connected')
    await waitFor(session, (s) => s.status === 'saved')

    // "Saved" means stored: a fresh read from the server's document API has it.
    const response = await adminCall('GET', documentId, '/update')
    const stored = new Y.Doc()
    Y.applyUpdate(stored, new Uint8Array(await response.arrayBuffer()))
    expect(stored.getText('body').toString()).toBe('stored for real')
  })

  it('is read-only for a viewer, who still receives the document', async () => {
    const documentId = newDocId()
    const writer = open(documentId, tokenSource('u1', 'write'), 'write')
    await waitFor(writer, (s) => s.status === 'saved')
    writer.doc.getText('body').insert(0, 'hello reader')
    await waitFor(writer, (s) => s.status === 'saved')

    const reader = open(documentId, tokenSource('u2', 'read'), 'read')
    const snapshot = await waitFor(reader, (s) => s.loaded)
    expect(snapshot.writable).toBe(false)
    await until(() => reader.doc.getText('body').toString(), (text) => text === 'hello reader')
  })

  it('fetches a fresh token before every reconnect', async () => {
    const source = tokenSource('u1', 'write')
    const session = open(newDocId(), source, 'write')
    await waitFor(session, (s) => s.status === 'saved')
    expect(source.calls).toBe(1)

    session.provider.ws?.close()
    await waitFor(session, (s) => s.status !== 'saved')
    await waitFor(session, (s) => s.status === 'saved')
    expect(source.calls).toBe(2)
  })

  it('a reader promoted to editor gets write access without reloading', async () => {
    const documentId = newDocId()
    const source = tokenSource('u3', 'read')
    const session = open(documentId, source, 'read')
    await waitFor(session, (s) => s.loaded && !s.writable)
    source.access = 'write'
    await waitFor(session, (s) => s.writable && s.status === 'saved')
    session.doc.getText('body').insert(0, 'promoted')
    await waitFor(session, (s) => s.status === 'saved')
    const stored = new Y.Doc()
    Y.applyUpdate(stored, new Uint8Array(await (await adminCall('GET', documentId, '/update')).arrayBuffer()))
    expect(stored.getText('body').toString()).toBe('promoted')
  })

  it('stops for good when the web app refuses a token on reconnect', async () => {
    const source = tokenSource('u1', 'write')
    const session = open(newDocId(), source, 'write')
    await waitFor(session, (s) => s.status === 'saved')
    source.refuse = ClosedReason.AccessRevoked
    session.provider.ws?.close()
    const snapshot = await waitFor(session, (s) => s.status === 'closed')
    expect(snapshot.closedReason).toBe('access-revoked')
    expect(snapshot.writable).toBe(false)
  })

  it('keeps edits made while offline and sends them on reconnect', async () => {
    const documentId = newDocId()
    const session = open(documentId, tokenSource('u1', 'write'), 'write')
    await waitFor(session, (s) => s.status === 'saved')
    session.provider.shouldConnect = false
    session.provider.ws?.close()
    session.doc.getText('body').insert(0, 'typed offline')
    await waitFor(session, (s) => s.status === 'offline' || s.status === 'saved')
    await waitFor(session, (s) => s.status === 'saved')
    const stored = new Y.Doc()
    Y.applyUpdate(stored, new Uint8Array(await (await adminCall('GET', documentId, '/update')).arrayBuffer()))
    expect(stored.getText('body').toString()).toBe('typed offline')
  })

  it('turns read-only when downgraded, and stops after removal (4403) without reconnecting', async () => {
    const documentId = newDocId()
    const source = tokenSource('u2', 'write')
    const session = open(documentId, source, 'write')
    await waitFor(session, (s) => s.status === 'saved' && s.writable)

    expect((await adminCall('POST', documentId, '/access', { sub: 'u2', access: 'read' })).status).toBe(204)
    await waitFor(session, (s) => !s.writable)
    expect(status(session)).not.toBe('closed')

    expect((await adminCall('POST', documentId, '/access', { sub: 'u2', access: 'none' })).status).toBe(204)
    const snapshot = await waitFor(session, (s) => s.status === 'closed')
    expect(snapshot.closedReason).toBe('access-revoked')
    const callsAfterClose = source.calls
    await new Promise((r) => setTimeout(r, 1000))
    expect(source.calls).toBe(callsAfterClose)
    expect(session.provider.ws).toBeNull()
  })

  // proves: EXT-2
  it('keeps one socket across several token expiries: each fresh token goes to the live socket (type 101)', async () => {
    // Seven-second tokens: the session asks for the next one five seconds in (its shortest wait).
    const source = tokenSource('long-session', 'write', 7)
    const documentId = newDocId()
    const session = open(documentId, source, 'write')
    await waitFor(session, (s) => s.status === 'saved')
    const socket = session.provider.ws
    const closes: number[] = []
    session.provider.on('connection-close', (event: CloseEvent | null) => closes.push(event?.code ?? 0))
    // Two fresh tokens, and past the expiry of the first two (the server closes within 5 s of exp otherwise).
    await until(() => source.calls, (calls) => calls >= 3, 30_000)
    const secondExpiry = source.expiries[1]
    await until(() => Date.now(), (now) => now > secondExpiry + 2_000, 30_000)
    expect(closes).toEqual([])
    expect(session.provider.ws).toBe(socket)
    session.doc.getText('body').insert(0, 'typed after two expiries')
    await waitFor(session, (s) => s.status === 'saved')
    const stored = new Y.Doc()
    Y.applyUpdate(stored, new Uint8Array(await (await adminCall('GET', documentId, '/update')).arrayBuffer()))
    expect(stored.getText('body').toString()).toBe('typed after two expiries')
  }, 60_000)

  it('stops for good when the document is deleted (4404)', async () => {
    const documentId = newDocId()
    const source = tokenSource('owner', 'admin')
    const session = open(documentId, source, 'admin')
    await waitFor(session, (s) => s.status === 'saved')
    expect((await adminCall('DELETE', documentId)).status).toBe(204)
    const snapshot = await waitFor(session, (s) => s.status === 'closed')
    expect(snapshot.closedReason).toBe('deleted')
    await new Promise((r) => setTimeout(r, 1000))
    expect(source.calls).toBe(1)
  })
})
