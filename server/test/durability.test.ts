/**
 * docs/sync-protocol.md, "Durability and shutdown", DURABLE-1 and DURABLE-2:
 * an update the server has received is durable (survives kill -9) within one
 * second, and before that second is up the clients still hold it and send it
 * again on reconnect. These run the real process and kill it for real.
 */
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import {
  connectClient,
  docId,
  eventually,
  freePort,
  rawClient,
  sleep,
  spawnServer,
  syncedClient,
} from './harness'
import { updateFrame } from './wire'

// These start real server processes (several per test); on a loaded 2-core machine each start can take seconds.
vi.setConfig({ testTimeout: 120_000 })

const ONE_SECOND = 1000

describe('durable within one second', () => {
  // proves: DURABLE-1
  it('an update received is on disk one second later: kill -9 then, restart on the same DATA_DIR, and it is there', async () => {
    const server = await spawnServer()
    const room = docId()
    const raw = await rawClient(server, room, await server.token({ doc: room }))
    const doc = new Y.Doc()
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => updates.push(u))
    doc.getText('text').insert(0, 'durable within one second')
    for (const u of updates) await raw.send(updateFrame(u))
    const sentAt = Date.now()
    // Time itself is the promise here: wait the second, then kill without warning.
    await sleep(sentAt + ONE_SECOND - Date.now())
    server.kill('SIGKILL')
    expect((await server.exited).signal).toBe('SIGKILL')
    raw.terminate()
    const again = await spawnServer({ env: { DATA_DIR: server.dataDir, AUTH_SECRET: server.secret } })
    const check = await syncedClient(again, room, await again.token({ doc: room }))
    expect(check.text()).toBe('durable within one second')
  })

  // proves: DURABLE-1
  it('under a steady stream of edits, every edit the server had received more than a second before kill -9 survives', async () => {
    const server = await spawnServer()
    const room = docId()
    const raw = await rawClient(server, room, await server.token({ doc: room }))
    // The observer's relay timestamps are upper bounds on when the server received each edit.
    const observer = await rawClient(server, room, await server.token({ doc: room, sub: 'observer', access: 'read' }))
    const doc = new Y.Doc()
    const text = doc.getText('text')
    let pending: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => pending.push(u))
    const started = Date.now()
    let i = 0
    // ~2.5 s of edits, one every ~20 ms; kill -9 while edits are still flowing.
    while (Date.now() - started < 2500) {
      text.insert(text.length, String.fromCharCode(97 + (i % 26)))
      for (const u of pending) await raw.send(updateFrame(u))
      pending = []
      i++
      await sleep(20)
    }
    const killedAt = Date.now()
    server.kill('SIGKILL')
    await server.exited
    raw.terminate()
    // Everything the server relayed at least a second before the kill, it had received by then.
    const received = new Y.Doc()
    observer.frames.forEach((f, k) => {
      if (f.type === 0 && f.step !== 0 && observer.frameTimes[k] <= killedAt - ONE_SECOND) Y.applyUpdate(received, f.payload)
    })
    const mustSurvive = received.getText('text').length
    expect(mustSurvive).toBeGreaterThan(20)
    const again = await spawnServer({ env: { DATA_DIR: server.dataDir, AUTH_SECRET: server.secret } })
    const check = await syncedClient(again, room, await again.token({ doc: room }))
    const survived = check.text()
    // Sequential appends: what survived is a prefix of what was sent, at least as long as required.
    expect(text.toString().startsWith(survived)).toBe(true)
    expect(survived.length).toBeGreaterThanOrEqual(mustSurvive)
  })

  // proves: DURABLE-2
  it('an edit not yet durable is still held by the stock client, which sends it again when the server comes back', async () => {
    const port = await freePort()
    const server = await spawnServer({ env: { PORT: String(port) } })
    const room = docId()
    const writer = await syncedClient(server, room, await server.token({ doc: room, sub: 'w' }))
    writer.doc.getText('text').insert(0, 'held by the client')
    // No waiting: the server may die before writing it.
    server.kill('SIGKILL')
    await server.exited
    await eventually(() => expect(writer.closeCodes.length).toBeGreaterThanOrEqual(1))
    expect(writer.provider.synced).toBe(false)
    // Same port, and an empty DATA_DIR, so the client's copy is the only one there is:
    // the stock provider reconnects by itself and sends it again.
    const again = await spawnServer({ env: { PORT: String(port), AUTH_SECRET: server.secret } })
    expect(again.dataDir).not.toBe(server.dataDir)
    await writer.waitSynced(15_000)
    const reader = connectClient(again, room, await again.token({ doc: room, sub: 'r', access: 'read' }))
    await eventually(() => expect(reader.text()).toBe('held by the client'), { timeoutMs: 15_000 })
    // And now it is durable: one more kill -9 a second later and it is still there.
    await sleep(ONE_SECOND)
    again.kill('SIGKILL')
    await again.exited
    writer.destroy()
    reader.destroy()
    const third = await spawnServer({ env: { DATA_DIR: again.dataDir, AUTH_SECRET: server.secret } })
    const check = await syncedClient(third, room, await third.token({ doc: room }))
    expect(check.text()).toBe('held by the client')
  })

  // proves: API-3, DURABLE-1
  it('POST /docs/<id>/update: once it answered 204 the update is persisted (kill -9 right after the answer keeps it)', async () => {
    const server = await spawnServer()
    const room = docId()
    const doc = new Y.Doc()
    doc.getText('text').insert(0, 'persisted before 204')
    const res = await fetch(`${server.httpUrl}/docs/${room}/update`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await server.token({ doc: room })}`, 'content-type': 'application/octet-stream' },
      body: Y.encodeStateAsUpdate(doc) as BodyInit,
    })
    expect(res.status).toBe(204)
    server.kill('SIGKILL')
    await server.exited
    const again = await spawnServer({ env: { DATA_DIR: server.dataDir, AUTH_SECRET: server.secret } })
    const check = await syncedClient(again, room, await again.token({ doc: room }))
    expect(check.text()).toBe('persisted before 204')
  })
})
