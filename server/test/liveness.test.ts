/**
 * docs/sync-protocol.md, "Memory": connections the server cannot usefully
 * keep are dropped rather than held. A receiver that stops reading is cut once
 * its send backlog passes the limit, and a connection that answers no ping is
 * cut at the next one; everyone else goes on. (The limits are lowered here; the
 * defaults the spec states are checked in docs.test.ts.)
 */
import { describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import net from 'node:net'
import { defer, docId, eventually, metric, rawClient, startTestServer, syncedClient, type TestServer } from './harness'
import { awarenessFrame } from './wire'

/**
 * A WebSocket client that completes the upgrade and then never reads another
 * byte: what the server sends it piles up, first in the kernel's buffers, then
 * in the server's own send buffer.
 */
async function stalledReader(server: TestServer, room: string, token: string): Promise<net.Socket> {
  const socket = net.connect(server.port, '127.0.0.1')
  defer(() => socket.destroy())
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('error', reject)
  })
  socket.write(
    `GET /${room}?token=${encodeURIComponent(token)} HTTP/1.1\r\n` +
      `Host: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  )
  const head = await new Promise<string>((resolve, reject) => {
    let received = ''
    const onData = (chunk: Buffer) => {
      received += chunk.toString('latin1')
      if (!received.includes('\r\n\r\n')) return
      socket.off('data', onData)
      // From here on nothing is read: the socket's receive window fills and stays full.
      socket.pause()
      resolve(received)
    }
    socket.on('data', onData)
    socket.once('error', reject)
  })
  expect(head).toMatch(/^HTTP\/1\.1 101 /)
  return socket
}

describe('connections the server drops', () => {
  // proves: MEMORY-4
  it('a receiver that stops reading is cut once its backlog passes the limit; the sender and the others go on', async () => {
    const backlog = 1024 * 1024
    // Presence states this large are far over MAX_AWARENESS_BYTES' default: allowed here, to flood the receiver.
    const server = await startTestServer({ limits: { maxBufferedBytes: backlog, maxAwarenessBytes: 2_000_000 } })
    const room = docId()
    const token = await server.token({ doc: room })
    const watcher = await syncedClient(server, room, await server.token({ doc: room, sub: 'watcher', access: 'read' }))
    const sender = await rawClient(server, room, token)
    const stalled = await stalledReader(server, room, token)
    await eventually(async () => expect(await metric(server, 'tandem_connections')).toBe(3))

    // Awareness of one client ID, replaced each time: about 1 MB relayed per message, nothing kept.
    const blob = 'x'.repeat(1_000_000)
    let sent = 0
    for (; sent < 40 && (await metric(server, 'tandem_connections')) === 3; sent++) {
      await sender.send(awarenessFrame([{ clientID: 31_337, clock: sent + 1, state: { blob, sent } }]))
      await sender.roundTrip()
    }
    await eventually(async () => expect(await metric(server, 'tandem_connections')).toBe(2))
    // It took more than the limit: the kernel's buffers hold some, the server held at most `backlog` more.
    expect(sent * blob.length).toBeGreaterThan(backlog)

    // The stalled socket was cut: once it reads again, the stream ends.
    const ended = new Promise<void>((resolve) => stalled.once('close', () => resolve()))
    stalled.on('data', () => {})
    stalled.resume()
    await ended

    // The sender and the watcher were never touched, and still talk.
    expect(sender.isOpen).toBe(true)
    await sender.send(awarenessFrame([{ clientID: 31_337, clock: sent + 1, state: { after: true } }]))
    await eventually(() => expect(watcher.provider.awareness.getStates().get(31_337)).toEqual({ after: true, user: { id: 'alice' } }))
    expect(watcher.closeCodes).toEqual([])
  })

  // proves: MEMORY-5
  it('a connection that answers no ping is cut (no close frame) at the next one; a connection that answers stays', async () => {
    const server = await startTestServer({ limits: { heartbeatIntervalMs: 200 } })
    const room = docId()
    const token = await server.token({ doc: room })
    const silent = await rawClient(server, room, token, { autoPong: false })
    const answering = await rawClient(server, room, token)
    // 1006: the socket ended without a close frame.
    expect(await silent.closeCode(10_000)).toBe(1006)
    // The answering one went through the same pings and is still served.
    expect(answering.isOpen).toBe(true)
    await answering.roundTrip()
    expect(await metric(server, 'tandem_connections')).toBe(1)
  })
})
