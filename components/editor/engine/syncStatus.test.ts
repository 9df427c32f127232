import { describe, expect, it } from 'vitest'
import { ClosedReason, deriveSyncStatus, syncStatusLabel, type ConnectionFacts } from './syncStatus'
import { resolveSyncUrl } from './syncUrl'

const facts = (overrides: Partial<ConnectionFacts>): ConnectionFacts => ({
  connected: false,
  synced: false,
  everSynced: false,
  saved: false,
  closedReason: null,
  ...overrides,
})

describe('sync status', () => {
  it('is connecting until the first sync, then connected or saved, then offline when the socket drops', () => {
    expect(deriveSyncStatus(facts({}))).toBe('connecting')
    expect(deriveSyncStatus(facts({ connected: true }))).toBe('connecting')
    expect(deriveSyncStatus(facts({ connected: true, synced: true, everSynced: true }))).toBe('connected')
    expect(deriveSyncStatus(facts({ connected: true, synced: true, everSynced: true, saved: true }))).toBe('saved')
    expect(deriveSyncStatus(facts({ everSynced: true, saved: true }))).toBe('offline')
    expect(deriveSyncStatus(facts({ connected: true, everSynced: true }))).toBe('offline')
  })

  it('is closed for good once the server ended it, whatever else is true', () => {
    expect(deriveSyncStatus(facts({ connected: true, synced: true, saved: true, closedReason: ClosedReason.Deleted }))).toBe('closed')
  })

  it('says offline edits are kept, and why a closed document closed', () => {
    expect(syncStatusLabel('offline', null)).toBe('Offline: your edits are kept and will sync')
    expect(syncStatusLabel('closed', ClosedReason.Deleted)).toBe('This document was deleted')
    expect(syncStatusLabel('closed', ClosedReason.AccessRevoked)).toBe('Your access to this document was removed')
    expect(syncStatusLabel('saved', null)).toMatch(/saved/)
    expect(syncStatusLabel('saved', null, true)).toMatch(/up to date/)
  })
})

describe('sync server URL', () => {
  it('uses SYNC_URL when set', () => {
    expect(resolveSyncUrl('wss://sync.example.com/', 1234, { protocol: 'https:', hostname: 'app.example.com', host: 'app.example.com' })).toBe('wss://sync.example.com')
  })

  it('defaults to the page’s host on SYNC_PORT, wss for https pages', () => {
    expect(resolveSyncUrl(null, 1234, { protocol: 'http:', hostname: '127.0.0.1', host: '127.0.0.1:3000' })).toBe('ws://127.0.0.1:1234')
    expect(resolveSyncUrl(null, 4444, { protocol: 'https:', hostname: 'docs.example.com', host: 'docs.example.com' })).toBe('wss://docs.example.com:4444')
    expect(resolveSyncUrl(null, 1234, { protocol: 'http:', hostname: '[::1]', host: '[::1]:3000' })).toBe('ws://[::1]:1234')
  })
})
