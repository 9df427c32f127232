import { describe, expect, it } from 'vitest'
import { readCappedBody, readJsonBody } from './cappedBody'

const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  new Request('http://localhost/api/x', { method: 'POST', body, headers })

describe('request bodies of the comment API', () => {
  // proves: COMMENTS-7
  it('takes same-origin JSON within the cap, and refuses the rest with a status and a message', async () => {
    expect(await readJsonBody(post('{"body":"hi"}'), 100)).toEqual({ ok: true, value: { body: 'hi' } })
    expect(await readJsonBody(post('{"body":"hi"}', { 'content-type': 'application/json; charset=utf-8' }), 100)).toMatchObject({ ok: true })
    expect(await readJsonBody(post('{"body":"hi"}', { 'content-type': 'text/plain' }), 100)).toMatchObject({ ok: false, status: 415 })
    expect(await readJsonBody(post('{"body":"hi"}', { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' }), 100)).toMatchObject({ ok: false, status: 403 })
    expect(await readJsonBody(post(JSON.stringify({ body: 'x'.repeat(200) })), 100)).toMatchObject({ ok: false, status: 413 })
    expect(await readJsonBody(post('{"body":'), 100)).toMatchObject({ ok: false, status: 400, error: expect.stringMatching(/JSON/) })
  })

  it('stops reading a body that passes the cap even when it says nothing of its length', async () => {
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(64))
      },
    })
    const request = new Request('http://localhost/api/x', { method: 'POST', body: stream, duplex: 'half' } as RequestInit)
    expect(await readCappedBody(request, 1000)).toBeNull()
  })
})
