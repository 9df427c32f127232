import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { TokenAccess } from '@/lib/access'
import { READ_ONLY_RECHECK_MS, REFRESH_BEFORE_EXPIRY_MS, REFRESH_RETRY_MS, TokenRefreshSchedule } from './TokenRefreshSchedule'
import type { AccessTokenResponse } from './tokenClient'

const MINUTE_MS = 60_000

function tokenFor(access: TokenAccess, lifetimeMs: number): AccessTokenResponse {
  return { token: 'opaque', access, role: access === 'read' ? 'viewer' : 'editor', expiresAt: Date.now() + lifetimeMs }
}

describe('TokenRefreshSchedule', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('renews a writer’s token a minute before it expires, so a reconnect never presents an expired one', () => {
    const due = vi.fn()
    const schedule = new TokenRefreshSchedule('write', due)
    schedule.accept(tokenFor('write', 10 * MINUTE_MS))
    schedule.schedule(false)
    vi.advanceTimersByTime(10 * MINUTE_MS - REFRESH_BEFORE_EXPIRY_MS - 1)
    expect(due).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(due).toHaveBeenCalledTimes(1)
  })

  it('asks again every recheck interval while read-only, so a promotion to editor arrives', () => {
    const due = vi.fn()
    const schedule = new TokenRefreshSchedule('read', due)
    schedule.accept(tokenFor('read', 10 * MINUTE_MS))
    schedule.schedule(true)
    vi.advanceTimersByTime(READ_ONLY_RECHECK_MS - 1)
    expect(due).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(due).toHaveBeenCalledTimes(1)
  })

  it('takes a shorter recheck interval when given one (the session tests use it)', () => {
    const due = vi.fn()
    const schedule = new TokenRefreshSchedule('read', due, 300)
    schedule.accept(tokenFor('read', 10 * MINUTE_MS))
    schedule.schedule(true)
    vi.advanceTimersByTime(300)
    expect(due).toHaveBeenCalledTimes(1)
  })

  it('does not hammer the web app when a token is nearly spent: five seconds at the least', () => {
    const due = vi.fn()
    const schedule = new TokenRefreshSchedule('write', due)
    schedule.accept(tokenFor('write', 1_000))
    schedule.schedule(false)
    vi.advanceTimersByTime(4_999)
    expect(due).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(due).toHaveBeenCalledTimes(1)
  })

  it('retries ten seconds after a failed refresh, replacing the planned one', () => {
    const due = vi.fn()
    const schedule = new TokenRefreshSchedule('write', due)
    schedule.accept(tokenFor('write', 10 * MINUTE_MS))
    schedule.schedule(false)
    schedule.retrySoon()
    expect(vi.getTimerCount()).toBe(1)
    vi.advanceTimersByTime(REFRESH_RETRY_MS)
    expect(due).toHaveBeenCalledTimes(1)
  })

  it('tells when access changed, and whether the held token can still open a connection', () => {
    const schedule = new TokenRefreshSchedule('write', () => {})
    expect(schedule.canStillConnect()).toBe(false) // no token yet
    expect(schedule.accept(tokenFor('write', 2 * MINUTE_MS))).toBe(false)
    expect(schedule.canStillConnect()).toBe(true)
    expect(schedule.accept(tokenFor('read', 2 * MINUTE_MS))).toBe(true)
    expect(schedule.access).toBe('read')
    vi.advanceTimersByTime(2 * MINUTE_MS - REFRESH_BEFORE_EXPIRY_MS / 2 + 1)
    expect(schedule.canStillConnect()).toBe(false)
  })

  it('leaves no timer behind once cancelled', () => {
    const due = vi.fn()
    const schedule = new TokenRefreshSchedule('write', due)
    schedule.accept(tokenFor('write', 10 * MINUTE_MS))
    schedule.schedule(false)
    schedule.cancel()
    expect(vi.getTimerCount()).toBe(0)
  })
})
