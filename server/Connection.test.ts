/**
 * Unit tests of the WebSocket adapter with a fake socket and a fake room:
 * the checks every frame goes through, the closes, the heartbeat, and that
 * the room is joined and left exactly once.
 */
import { EventEmitter } from 'node:events'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Connection, type ConnectionContext, type ConnectionIdentity, type RenewalResult } from './Connection'
import type { Peer, PeerRoom } from './room/Peer'
import { protocolError } from './SyncError'

/** A socket as `ws` gives one to the server; `receive` plays a frame from the client. */
class FakeSocket extends EventEmitter {
  readyState = 1
  bufferedAmount = 0
  readonly sent: Uint8Array[] = []
  closedWith: { code?: number; reason?: string } | null = null
  terminated = false
  pings = 0
  send(data: Uint8Array, onWritten?: () => void): void {
    this.sent.push(data)
    onWritten?.()
  }
  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason }
  }
  terminate(): void {
    this.terminated = true
  }
  ping(): void {
    this.pings++
  }
  receive(frame: Uint8Array | string): void {
    const isBinary = typeof frame !== 'string'
    this.emit('message', Buffer.from(frame), isBinary)
  }
  /** The close handshake finished (or the socket was cut off). */
  finishClosing(): void {
    this.readyState = 3
    this.emit('close')
  }
}

/** A room that records what it is given; `failWith` makes the next frame throw. */
class FakeRoom implements PeerRoom {
  readonly docId = 'doc'
  readonly log = pino({ level: 'silent' })
  readonly joined: Peer[] = []
  readonly left: Peer[] = []
  readonly frames: Uint8Array[] = []
  failWith: Error | null = null
  join(peer: Peer): void {
    this.joined.push(peer)
  }
  handleMessage(_peer: Peer, frame: Uint8Array): void {
    const failure = this.failWith
    this.failWith = null
    if (failure) throw failure
    this.frames.push(frame)
  }
  leave(peer: Peer): void {
    this.left.push(peer)
  }
}

const RATE = 10
let socket: FakeSocket
let room: FakeRoom
let closed: Connection[]
let received: number[]
let conn: Connection

let renewals: Map<string, RenewalResult>

function open(access: 'read' | 'write' = 'write', maxBufferedBytes = 1_000, expiresAt = Number.MAX_SAFE_INTEGER): Connection {
  const context: ConnectionContext = {
    limits: { maxMessagesPerSecond: RATE, maxBufferedBytes },
    metrics: { recordReceived: (bytes) => received.push(bytes) },
    authorizeRenewal: async (_docId, token) => renewals.get(token) ?? { ok: false, reason: 'token invalid' },
    onClosed: (c) => closed.push(c),
  }
  const identity: ConnectionIdentity = { sub: 'alice', tokenAccess: access, access, issuedAt: 100, expiresAt }
  const connection = new Connection(socket, identity, room, context)
  connection.open()
  return connection
}

beforeEach(() => {
  vi.useFakeTimers()
  socket = new FakeSocket()
  room = new FakeRoom()
  closed = []
  received = []
  renewals = new Map()
  conn = open()
})

afterEach(() => {
  vi.useRealTimers()
})

it('joins the room on open and hands it binary frames, each counted as received', () => {
  expect(room.joined).toEqual([conn])
  socket.receive(Uint8Array.of(0, 0, 1, 0))
  expect(room.frames).toEqual([Buffer.from([0, 0, 1, 0])])
  expect(received).toEqual([4])
})

describe('closes only this connection', () => {
  it('with 1003 for a text frame, which the room never sees', () => {
    socket.receive('hello')
    expect(socket.closedWith).toEqual({ code: 1003, reason: 'text frames are not supported' })
    expect(room.frames).toEqual([])
    expect(conn.state).toBe('closed')
  })

  it('with 1008 once the bucket (5 × the rate) is empty, and a paused client gets its tokens back', () => {
    for (let i = 0; i < RATE * 5; i++) socket.receive(Uint8Array.of(3))
    expect(socket.closedWith).toBeNull()
    socket.receive(Uint8Array.of(3))
    expect(socket.closedWith).toEqual({ code: 1008, reason: 'too many messages' })
    expect(room.frames).toHaveLength(RATE * 5)

    socket = new FakeSocket()
    open()
    for (let i = 0; i < RATE * 5; i++) socket.receive(Uint8Array.of(3))
    vi.advanceTimersByTime(1_000)
    for (let i = 0; i < RATE; i++) socket.receive(Uint8Array.of(3))
    expect(socket.closedWith).toBeNull()
  })

  it('with the SyncError\'s code for bad input, and 1011 for a fault of ours', () => {
    room.failWith = protocolError('malformed message')
    socket.receive(Uint8Array.of(42))
    expect(socket.closedWith).toEqual({ code: 1002, reason: 'malformed message' })

    socket = new FakeSocket()
    open()
    room.failWith = new Error('bug')
    socket.receive(Uint8Array.of(0))
    expect(socket.closedWith).toEqual({ code: 1011, reason: 'internal error' })
  })

  it('and ignores whatever arrives after it started closing', () => {
    conn.close(4404, 'document deleted')
    socket.receive(Uint8Array.of(0, 0, 1, 0))
    expect(room.frames).toEqual([])
    expect(conn.send(Buffer.from([1]))).toBe(false)
    expect(socket.sent).toEqual([])
  })
})

it('drops a receiver whose unsent bytes pass maxBufferedBytes instead of buffering without end', () => {
  expect(conn.send(Buffer.from([1]))).toBe(true)
  socket.bufferedAmount = 1_001
  expect(conn.send(Buffer.from([2]))).toBe(false)
  expect(socket.terminated).toBe(true)
  expect(socket.sent).toHaveLength(1)
})

describe('heartbeat', () => {
  it('pings each tick and terminates a connection that did not answer the previous ping', () => {
    conn.heartbeat()
    expect(socket.pings).toBe(1)
    socket.emit('pong')
    conn.heartbeat()
    expect(socket.terminated).toBe(false)
    conn.heartbeat()
    expect(socket.terminated).toBe(true)
  })

  it('counts any message as a sign of life', () => {
    conn.heartbeat()
    socket.receive(Uint8Array.of(3))
    conn.heartbeat()
    expect(socket.terminated).toBe(false)
  })
})

it('leaves the room exactly once when the socket closes, and tells the server', () => {
  conn.close(1001, 'server shutting down')
  expect(room.left).toEqual([])
  socket.finishClosing()
  expect(room.left).toEqual([conn])
  expect(closed).toEqual([conn])
  expect(conn.state).toBe('closed')
})

describe('token expiry and fresh tokens', () => {
  const identity = (overrides: Partial<ConnectionIdentity>): RenewalResult => ({
    ok: true,
    identity: { sub: 'alice', name: 'Alice', tokenAccess: 'write', access: 'write', issuedAt: 200, expiresAt: 2_000, ...overrides },
  })

  // proves: AUTH-13
  it('is closed with 4401 by the sweep once its token expires, not a second before', () => {
    socket = new FakeSocket()
    conn = open('write', 1_000, 1_000)
    conn.closeIfExpired(999)
    expect(socket.closedWith).toBeNull()
    conn.closeIfExpired(1_000)
    expect(socket.closedWith).toEqual({ code: 4401, reason: 'token expired' })
  })

  // proves: EXT-2
  it('a fresh token for the same user replaces the old one: its expiry, name and access', async () => {
    socket = new FakeSocket()
    conn = open('write', 1_000, 1_000)
    renewals.set('fresh', identity({ name: 'Alice B.', tokenAccess: 'admin', access: 'write', issuedAt: 900 }))
    expect(await conn.renewToken('fresh')).toEqual({ couldWrite: true })
    conn.closeIfExpired(1_999)
    expect(socket.closedWith).toBeNull()
    expect([conn.name, conn.tokenAccess, conn.access, conn.tokenIssuedAt]).toEqual(['Alice B.', 'admin', 'write', 900])
    conn.closeIfExpired(2_000)
    expect(socket.closedWith?.code).toBe(4401)
  })

  // proves: EXT-2
  it('a fresh token that grants less lowers the connection (the room then says permission-denied)', async () => {
    renewals.set('read', identity({ tokenAccess: 'read', access: 'read' }))
    expect(await conn.renewToken('read')).toEqual({ couldWrite: true })
    expect(conn.canWrite).toBe(false)
    expect(socket.closedWith).toBeNull()
  })

  // proves: EXT-3
  it('closes with 4401 for a fresh token that is refused, or that is for another user', async () => {
    expect(await conn.renewToken('garbage')).toBeNull()
    expect(socket.closedWith).toEqual({ code: 4401, reason: 'fresh token refused' })

    socket = new FakeSocket()
    conn = open()
    renewals.set('bob', identity({ sub: 'bob' }))
    expect(await conn.renewToken('bob')).toBeNull()
    expect(socket.closedWith?.code).toBe(4401)
    expect(conn.access).toBe('write')
  })

  // proves: EXT-2
  it('what arrives after a fresh token waits until the token is judged, then reaches the room in order', async () => {
    renewals.set('fresh', identity({ tokenAccess: 'read', access: 'read' }))
    const judged = conn.renewToken('fresh')
    socket.receive(Uint8Array.of(0, 2, 1, 7))
    socket.receive(Uint8Array.of(1, 1, 0))
    expect(room.frames).toEqual([])
    await judged
    expect(conn.canWrite).toBe(false)
    await vi.advanceTimersByTimeAsync(0)
    expect(room.frames).toEqual([Buffer.from([0, 2, 1, 7]), Buffer.from([1, 1, 0])])
    // A refused token: the connection is closed and what waited is dropped.
    const refused = conn.renewToken('nonsense')
    socket.receive(Uint8Array.of(3))
    await refused
    await vi.advanceTimersByTimeAsync(0)
    expect(room.frames).toHaveLength(2)
    expect(socket.closedWith?.code).toBe(4401)
  })

  it('only the latest of several fresh tokens counts, and none after the connection closed', async () => {
    renewals.set('first', identity({ expiresAt: 5_000 }))
    renewals.set('second', identity({ expiresAt: 6_000 }))
    const first = conn.renewToken('first')
    const second = conn.renewToken('second')
    expect(await first).toBeNull()
    expect(await second).toEqual({ couldWrite: true })
    conn.closeIfExpired(5_500)
    expect(socket.closedWith).toBeNull()
    conn.close(1001, 'server shutting down')
    expect(await conn.renewToken('first')).toBeNull()
  })
})
