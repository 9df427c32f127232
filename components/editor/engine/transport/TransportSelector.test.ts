/**
 * The editor's session where WebSockets fail: against the real sync server
 * (a child process), a CollabSession whose WebSockets are refused goes over
 * the HTTP transport with the same Y.Doc, edits with a WebSocket user and
 * sees their presence, says so in its snapshot, and moves back to a
 * WebSocket once one opens, losing no edit on the way.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { signAccessToken } from '@/lib/token'
import { startSyncServerProcess, type SyncServerChild } from '@/testkit/syncServerProcess'
import { CollabSession, type CollabSnapshot } from '../CollabSession'
import type { AccessTokenResponse } from '../tokenClient'
import { until } from '../testing/until'

const SECRET = 'transport-selector-test-secret-32-bytes'
let server: SyncServerChild
let dataDir: string
const sessions: CollabSession[] = []

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-transport-test-'))
  server = await startSyncServerProcess({ env: { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, AUTH_SECRET: SECRET, LOG_LEVEL: 'info' } })
})

afterEach(() => {
  for (const session of sessions.splice(0)) session.destroy()
})

afterAll(async () => {
  await server?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})


/** WebSockets to the sync server that a switch can refuse, as a proxy would: while refused, each one dies before opening. */
function refusableWebSocket() {
  const control = { refused: true, attempts: 0 }
  class Refusable extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      control.attempts += 1
      // Port 1: nothing listens, so the socket closes before it opens.
      super(control.refused ? url.replace(/:\d+\//, ':1/') : url, protocols)
    }
  }
  return { control, WebSocketClass: Refusable as unknown as typeof globalThis.WebSocket }
}

function open(documentId: string, userId: string, WebSocketClass: typeof globalThis.WebSocket, retryMs = 60_000) {
  const fetchToken = async (doc: string): Promise<AccessTokenResponse> => {
    const token = await signAccessToken(SECRET, { sub: userId, doc, access: 'write', name: userId }, { expiresInSeconds: 600 })
    return { token, access: 'write', role: 'editor', expiresAt: Date.now() + 600_000 }
  }
  const session = new CollabSession({
    documentId,
    serverUrl: `ws://127.0.0.1:${server.port}`,
    initialAccess: 'write',
    fetchToken,
    WebSocketPolyfill: WebSocketClass,
    transportTimings: { retryMs },
  })
  sessions.push(session)
  session.start()
  return session
}

const waitFor = (session: CollabSession, predicate: (s: CollabSnapshot) => boolean) => until(() => session.getSnapshot(), predicate)
/** Appends to a text of the session's Y.Doc: what the editor writes is beside the point here, that it syncs is not. */
const type = (session: CollabSession, words: string) => session.doc.getText('plain').insert(session.doc.getText('plain').length, words)
const plain = (session: CollabSession) => session.doc.getText('plain').toString()

let counter = 0
const newDocId = () => `transport-${process.pid}-${Date.now().toString(36)}-${++counter}`

describe('TransportSelector in a CollabSession', () => {
  it('after two refused WebSockets it edits over HTTP with a WebSocket user, and sees their presence', async () => {
    const documentId = newDocId()
    const alice = open(documentId, 'alice', WebSocket as unknown as typeof globalThis.WebSocket)
    const { control, WebSocketClass } = refusableWebSocket()
    const bob = open(documentId, 'bob', WebSocketClass)
    await waitFor(alice, (s) => s.status === 'saved' && !s.viaHttp)
    const bobLive = await waitFor(bob, (s) => s.status === 'saved')
    expect(bobLive.viaHttp).toBe(true)
    expect(control.attempts).toBe(2)

    type(bob, 'bob over HTTP. ')
    type(alice, 'alice over a socket. ')
    await until(() => [plain(alice), plain(bob)], ([a, b]) => a === b && a.includes('bob over HTTP. ') && a.includes('alice over a socket. '))
    await waitFor(bob, (s) => s.status === 'saved')

    alice.provider.awareness.setLocalStateField('cursor', 42)
    await until(() => bob.provider.awareness.getStates().get(alice.doc.clientID) as { cursor?: number } | undefined, (state) => state?.cursor === 42)
    bob.provider.awareness.setLocalStateField('cursor', 7)
    await until(() => alice.provider.awareness.getStates().get(bob.doc.clientID) as { cursor?: number } | undefined, (state) => state?.cursor === 7)
  }, 60_000)

  it('moves back to a WebSocket once one opens, without losing an edit made on the way', async () => {
    const documentId = newDocId()
    const alice = open(documentId, 'alice', WebSocket as unknown as typeof globalThis.WebSocket)
    const { control, WebSocketClass } = refusableWebSocket()
    const bob = open(documentId, 'bob', WebSocketClass, 300)
    await waitFor(bob, (s) => s.status === 'saved' && s.viaHttp)
    type(bob, 'one ')
    control.refused = false
    // Typing on while the transport changes under it.
    for (const word of ['two ', 'three ', 'four ']) {
      type(bob, word)
      await new Promise((r) => setTimeout(r, 100))
    }
    await waitFor(bob, (s) => s.status === 'saved' && !s.viaHttp)
    type(bob, 'five')
    await until(() => plain(alice), (a) => a === 'one two three four five')
    await waitFor(bob, (s) => s.status === 'saved')
    expect(plain(bob)).toBe('one two three four five')
  }, 60_000)
})
