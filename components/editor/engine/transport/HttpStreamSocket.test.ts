import { describe, expect, it } from 'vitest'
import { httpStreamUrls } from './HttpStreamSocket'

describe('the HTTP transport URLs of a WebSocket URL', () => {
  it('keeps host, port and any path prefix, and moves the token to the stream query', () => {
    expect(httpStreamUrls('ws://127.0.0.1:1234/doc-1?token=abc')).toEqual({
      streamUrl: 'http://127.0.0.1:1234/docs/doc-1/stream?token=abc',
      postBase: 'http://127.0.0.1:1234/docs/doc-1/stream',
      token: 'abc',
    })
    expect(httpStreamUrls('wss://example.com/sync/doc_2?token=a.b-c').streamUrl).toBe('https://example.com/sync/docs/doc_2/stream?token=a.b-c')
  })
})
