/**
 * docs/sync-protocol.md, "Edit reports": with EDIT_WEBHOOK_URL, stored
 * client edits are POSTed to the web app, signed, at most once per document
 * per interval. The receiver here is a real HTTP server recording requests.
 */
import { createHmac } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { readConfig } from '../config'
import { api, defer, docId, eventually, startTestServer, syncedClient } from './harness'
import { insertUpdate } from './wire'

interface Report {
  headers: IncomingMessage['headers']
  body: string
}

/** An HTTP server that records every request and answers `status`. */
async function receiver(status = 204) {
  const reports: Report[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      reports.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') })
      response.writeHead(status).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  defer(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/edited`, reports }
}

const bodyOf = (report: Report) => JSON.parse(report.body) as { documentId: string; editedAt: string; userId: string }

describe('edit reports', () => {
  // proves: EVENTS-1, EVENTS-2
  it('POSTs {documentId, editedAt, userId} once a client edit is stored, signed with AUTH_SECRET', async () => {
    const hook = await receiver()
    const server = await startTestServer({ editWebhook: { url: hook.url, intervalMs: 10_000 } })
    const room = docId()
    const client = await syncedClient(server, room, await server.token({ doc: room, sub: 'alice-id' }))
    const before = Date.now()
    client.doc.getText('text').insert(0, 'hello')
    await eventually(() => expect(hook.reports).toHaveLength(1))
    const [report] = hook.reports
    expect(report.headers['content-type']).toBe('application/json')
    expect(report.headers['x-tandem-signature']).toBe(`sha256=${createHmac('sha256', server.secret).update(report.body).digest('hex')}`)
    const body = bodyOf(report)
    expect(body).toEqual({ documentId: room, editedAt: body.editedAt, userId: 'alice-id' })
    expect(Date.parse(body.editedAt)).toBeGreaterThanOrEqual(before - 1)
    expect(body.editedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  })

  // proves: EVENTS-3
  it('sends at most one report per document per interval: the rest once it ends, naming the latest writer', async () => {
    const hook = await receiver()
    const intervalMs = 1_500
    const server = await startTestServer({ editWebhook: { url: hook.url, intervalMs } })
    const room = docId()
    const alice = await syncedClient(server, room, await server.token({ doc: room, sub: 'alice-id' }))
    const bob = await syncedClient(server, room, await server.token({ doc: room, sub: 'bob-id' }))
    alice.doc.getText('text').insert(0, 'a')
    await eventually(() => expect(hook.reports).toHaveLength(1))
    alice.doc.getText('text').insert(0, 'b')
    await eventually(async () => expect(await server.store.storedText(room)).toBe('ba'))
    bob.doc.getText('other').insert(0, 'c')
    await eventually(() => expect(hook.reports).toHaveLength(2), { timeoutMs: intervalMs * 3 })
    expect(bodyOf(hook.reports[1]).userId).toBe('bob-id')
    // editedAt is when each report was made (arrival times also carry the network's delays).
    const madeAt = hook.reports.map((r) => Date.parse(bodyOf(r).editedAt))
    expect(madeAt[1] - madeAt[0]).toBeGreaterThanOrEqual(intervalMs)

    // Another document has its own interval.
    const other = docId()
    const carol = await syncedClient(server, other, await server.token({ doc: other, sub: 'carol-id' }))
    carol.doc.getText('text').insert(0, 'x')
    await eventually(() => expect(hook.reports.map(bodyOf).some((b) => b.documentId === other)).toBe(true))
  })

  // proves: EVENTS-4
  it('does not report updates written through the HTTP API', async () => {
    const hook = await receiver()
    const server = await startTestServer({ editWebhook: { url: hook.url, intervalMs: 10_000 } })
    const apiRoom = docId()
    const res = await api(server, 'POST', `/docs/${apiRoom}/update`, { token: await server.token({ doc: apiRoom, sub: 'seeder' }), body: insertUpdate('seeded').update })
    expect(res.status).toBe(204)
    // A client edit afterwards in another document is reported; the API write before it never was.
    const room = docId()
    const client = await syncedClient(server, room, await server.token({ doc: room, sub: 'alice-id' }))
    client.doc.getText('text').insert(0, 'typed')
    await eventually(() => expect(hook.reports).toHaveLength(1))
    expect(hook.reports.map(bodyOf).map((b) => b.documentId)).toEqual([room])
  })

  // proves: EVENTS-5
  it('a refused or unreachable report changes nothing for the clients', async () => {
    const refusing = await receiver(500)
    const server = await startTestServer({ editWebhook: { url: refusing.url, intervalMs: 1_000 } })
    const room = docId()
    const alice = await syncedClient(server, room, await server.token({ doc: room, sub: 'alice-id' }))
    const bob = await syncedClient(server, room, await server.token({ doc: room, sub: 'bob-id' }))
    alice.doc.getText('text').insert(0, 'still syncing')
    await eventually(() => expect(refusing.reports).toHaveLength(1))
    await eventually(() => expect(bob.doc.getText('text').toString()).toBe('still syncing'))

    const unreachable = await startTestServer({ editWebhook: { url: 'http://127.0.0.1:9/nothing-listens', intervalMs: 1_000 } })
    const room2 = docId()
    const a = await syncedClient(unreachable, room2, await unreachable.token({ doc: room2, sub: 'a' }))
    const b = await syncedClient(unreachable, room2, await unreachable.token({ doc: room2, sub: 'b' }))
    a.doc.getText('text').insert(0, 'one')
    await eventually(async () => expect(await unreachable.store.storedText(room2)).toBe('one'))
    a.doc.getText('text').insert(3, ' two')
    await eventually(() => expect(b.doc.getText('text').toString()).toBe('one two'))
  })

  // proves: EVENTS-6
  it('a stop sends at once what was waiting for its interval to end', async () => {
    const hook = await receiver()
    const server = await startTestServer({ editWebhook: { url: hook.url, intervalMs: 60_000 } })
    const room2 = docId()
    const writer = await syncedClient(server, room2, await server.token({ doc: room2, sub: 'alice-id' }))
    writer.doc.getText('text').insert(0, 'first')
    await eventually(() => expect(hook.reports).toHaveLength(1))
    writer.doc.getText('text').insert(0, 'second ')
    await eventually(async () => expect(await server.store.storedText(room2)).toBe('second first'))
    writer.destroy()
    await server.stop()
    await eventually(() => expect(hook.reports).toHaveLength(2))
    expect(hook.reports.every((r) => bodyOf(r).documentId === room2)).toBe(true)
  })
})

describe('edit report configuration', () => {
  /** An environment with these variables (and a long enough secret); readConfig takes a whole ProcessEnv. */
  const env = (vars: Record<string, string> = {}) => ({ AUTH_SECRET: 'x'.repeat(40), ...vars }) as unknown as NodeJS.ProcessEnv
  // proves: CONFIG-23
  it('EDIT_WEBHOOK_URL must be an http(s) URL', () => {
    expect(readConfig(env({ EDIT_WEBHOOK_URL: 'http://127.0.0.1:3000/api/internal/document-edited' })).EDIT_WEBHOOK_URL).toBe(
      'http://127.0.0.1:3000/api/internal/document-edited',
    )
    expect(() => readConfig(env({ EDIT_WEBHOOK_URL: 'ftp://example.com' }))).toThrow(/EDIT_WEBHOOK_URL/)
    expect(readConfig(env()).EDIT_WEBHOOK_URL).toBeUndefined()
  })

  // proves: CONFIG-24
  it('EDIT_WEBHOOK_INTERVAL_MS is 2000 unless set, and at least 1000', () => {
    expect(readConfig(env()).EDIT_WEBHOOK_INTERVAL_MS).toBe(2_000)
    expect(readConfig(env({ EDIT_WEBHOOK_INTERVAL_MS: '2500' })).EDIT_WEBHOOK_INTERVAL_MS).toBe(2_500)
    expect(() => readConfig(env({ EDIT_WEBHOOK_INTERVAL_MS: '10' }))).toThrow(/EDIT_WEBHOOK_INTERVAL_MS/)
  })
})
