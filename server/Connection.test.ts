/**
 * Unit tests of the WebSocket adapter with a fake socket and a fake room:
 * the checks every frame goes through, the closes, the heartbeat, and that
 * the room is joined and left exactly once.
 */
import { EventEmitter } from 'node:events'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Connection, type ConnectionContext } from './Connection'
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

function open(access: 'read' | 'write' = 'write', maxBufferedBytes = 1_000): Connection {
  const context: ConnectionContext = {
    limits: { maxMessagesPerSecond: RATE, maxBufferedBytes },
    metrics: { recordReceived: (bytes) => received.push(bytes) },
    authorizeRenewal: async () => ({ ok: false, reason: 'not under test here' }),
    onClosed: (c) => closed.push(c),
  }
  const identity = { sub: 'alice', tokenAccess: access, access, issuedAt: 0, expiresAt: Number.MAX_SAFE_INTEGER }
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
