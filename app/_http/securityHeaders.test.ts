import { describe, expect, it } from 'vitest'
import { contentSecurityPolicy, newNonce, syncConnectSources } from './securityHeaders'

const directives = (policy: string) => new Map(policy.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)] as const))

describe('the Content-Security-Policy', () => {
  it('allows scripts only with the nonce, frames and plugins never, and connections to this origin and the sync server', () => {
    const policy = directives(contentSecurityPolicy({ nonce: 'abc123==', connectSources: ['ws://docs.example:1234'], https: false, dev: false }))
    expect(policy.get('script-src')).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"])
    expect(policy.get('style-src')).toEqual(["'self'", "'nonce-abc123=='"])
    expect(policy.get('style-src-attr')).toEqual(["'unsafe-inline'"])
    expect(policy.get('connect-src')).toEqual(["'self'", 'ws://docs.example:1234'])
    expect(policy.get('frame-ancestors')).toEqual(["'none'"])
    expect(policy.get('object-src')).toEqual(["'none'"])
    expect(policy.get('base-uri')).toEqual(["'self'"])
    expect(policy.get('default-src')).toEqual(["'self'"])
    expect(policy.has('upgrade-insecure-requests')).toBe(false)
    expect([...policy.values()].flat()).not.toContain("'unsafe-eval'")
  })

  it('upgrades insecure requests only on https, and allows eval only in development', () => {
    expect(directives(contentSecurityPolicy({ nonce: 'n', connectSources: [], https: true, dev: false })).has('upgrade-insecure-requests')).toBe(true)
    const dev = directives(contentSecurityPolicy({ nonce: 'n', connectSources: [], https: false, dev: true }))
    expect(dev.get('script-src')).toContain("'unsafe-eval'")
  })

  it('uses a fresh 128-bit nonce each time', () => {
    const nonces = new Set(Array.from({ length: 50 }, newNonce))
    expect(nonces.size).toBe(50)
    for (const nonce of nonces) expect(Buffer.from(nonce, 'base64')).toHaveLength(16)
  })
})

describe("the sync server's origin in connect-src", () => {
  it("is the page's host on SYNC_PORT, ws: or wss: as the page is http or https", () => {
    expect(syncConnectSources({ syncUrl: null, syncPort: 1234, host: '127.0.0.1:3000', https: false })).toEqual(['ws://127.0.0.1:1234'])
    expect(syncConnectSources({ syncUrl: null, syncPort: 4321, host: 'Docs.Example.com', https: true })).toEqual(['wss://Docs.Example.com:4321'])
  })

  it('for a path-only SYNC_URL (/sync, one origin) is the page host, port included, over ws or wss', () => {
    expect(syncConnectSources({ syncUrl: '/sync', syncPort: 1234, host: 'docs.example.com', https: true })).toEqual(['wss://docs.example.com'])
    expect(syncConnectSources({ syncUrl: '/sync', syncPort: 1234, host: '127.0.0.1:8080', https: false })).toEqual(['ws://127.0.0.1:8080'])
    expect(syncConnectSources({ syncUrl: '/sync', syncPort: 1234, host: 'bad host; script-src *', https: false })).toEqual([])
    expect(syncConnectSources({ syncUrl: '/sync', syncPort: 1234, host: null, https: false })).toEqual([])
  })

  it("is SYNC_URL's origin when set, whatever path it has", () => {
    expect(syncConnectSources({ syncUrl: 'wss://sync.example.com/ws/', syncPort: 1234, host: 'app.example.com', https: true })).toEqual([
      'wss://sync.example.com',
    ])
    expect(syncConnectSources({ syncUrl: 'ws://10.0.0.5:9000', syncPort: 1234, host: 'x', https: false })).toEqual(['ws://10.0.0.5:9000'])
    expect(syncConnectSources({ syncUrl: 'not a url', syncPort: 1234, host: 'x', https: false })).toEqual([])
    expect(syncConnectSources({ syncUrl: 'javascript:alert(1)', syncPort: 1234, host: 'x', https: false })).toEqual([])
  })

  it('never copies a Host header that could inject into the policy', () => {
    for (const host of ["evil.example; script-src 'unsafe-inline'", 'a b', "evil'", 'evil.example,x', '', 'x/y', 'host:port']) {
      expect(syncConnectSources({ syncUrl: null, syncPort: 1234, host, https: false })).toEqual([])
    }
    expect(syncConnectSources({ syncUrl: null, syncPort: 1234, host: null, https: false })).toEqual([])
  })

  it('falls back to the scheme alone for an IPv6 literal, which CSP cannot name', () => {
    expect(syncConnectSources({ syncUrl: null, syncPort: 1234, host: '[::1]:3000', https: false })).toEqual(['ws:'])
    expect(syncConnectSources({ syncUrl: 'wss://[2001:db8::1]:1234', syncPort: 1234, host: 'x', https: true })).toEqual(['wss:'])
  })
})
