import { describe, expect, it } from 'vitest'
import { resolveSyncUrl } from './syncUrl'

const page = (href: string) => {
  const url = new URL(href)
  return { protocol: url.protocol, hostname: url.hostname, host: url.host }
}

describe('resolveSyncUrl', () => {
  it('keeps a full SYNC_URL with its path, so one origin behind a proxy works (wss://example.com/sync)', () => {
    expect(resolveSyncUrl('wss://example.com/sync', 1234, page('https://example.com/d/x'))).toBe('wss://example.com/sync')
    expect(resolveSyncUrl('wss://example.com/sync/', 1234, page('https://example.com/d/x'))).toBe('wss://example.com/sync')
  })

  it('reads a path-only SYNC_URL against the page: its host and port, wss for https', () => {
    expect(resolveSyncUrl('/sync', 1234, page('https://docs.example.com/d/x'))).toBe('wss://docs.example.com/sync')
    expect(resolveSyncUrl('/sync/', 1234, page('http://127.0.0.1:8080/d/x'))).toBe('ws://127.0.0.1:8080/sync')
    expect(resolveSyncUrl('/sync', 1234, page('http://[::1]:8080/'))).toBe('ws://[::1]:8080/sync')
  })

  it('unset: the page host on SYNC_PORT', () => {
    expect(resolveSyncUrl(null, 1234, page('https://example.com/'))).toBe('wss://example.com:1234')
    expect(resolveSyncUrl(null, 4321, page('http://[::1]:3000/'))).toBe('ws://[::1]:4321')
  })
})
