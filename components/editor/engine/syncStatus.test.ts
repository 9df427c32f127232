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

  it('says "via HTTP" while the HTTP transport carries a live connection, and only then', () => {
    expect(syncStatusLabel('saved', null, false, { viaHttp: true })).toBe('Connected · via HTTP · all changes saved')
    expect(syncStatusLabel('connected', null, true, { viaHttp: true })).toBe('Connected · via HTTP')
    expect(syncStatusLabel('offline', null, false, { viaHttp: true })).not.toMatch(/HTTP/)
  })
})

describe('sync status with a local copy', () => {
  it('says offline as soon as the local copy is on screen and the server cannot be reached, before any sync', () => {
    expect(deriveSyncStatus(facts({ shownFromLocalCopy: true }))).toBe('connecting') // first attempt still under way
    expect(deriveSyncStatus(facts({ unreachable: true }))).toBe('connecting') // nothing to show yet
    expect(deriveSyncStatus(facts({ shownFromLocalCopy: true, unreachable: true }))).toBe('offline')
  })

  it('tells whether offline edits are on this device yet', () => {
    expect(syncStatusLabel('offline', null, false, { localCopy: 'written' })).toBe('Offline · saved on this device')
    expect(syncStatusLabel('offline', null, false, { localCopy: 'writing' })).toBe('Offline · saving on this device…')
    expect(syncStatusLabel('offline', null, false, { localCopy: 'loading' })).toBe('Offline · saving on this device…')
    expect(syncStatusLabel('offline', null, true, { localCopy: 'written' })).toBe('Offline')
    expect(syncStatusLabel('connected', null, false, { localCopy: 'written' })).toBe('Connected · saving…')
    expect(syncStatusLabel('saved', null, false, { localCopy: 'writing' })).toBe('Connected · all changes saved')
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
