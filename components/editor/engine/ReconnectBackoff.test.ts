import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RECONNECT_MAX_MS, ReconnectBackoff, reconnectDelayMs } from './ReconnectBackoff'

describe('reconnect delay', () => {
  it('starts near a quarter second and doubles with each failed attempt', () => {
    const top = () => 1
    expect([0, 1, 2, 3].map((attempt) => reconnectDelayMs(attempt, top))).toEqual([250, 500, 1000, 2000])
  })

  it('never waits longer than the cap, however many attempts failed', () => {
    for (const attempt of [6, 10, 50, 2000]) expect(reconnectDelayMs(attempt, () => 1)).toBe(RECONNECT_MAX_MS)
  })

  it('is jittered over the upper half of the backoff, so restarted servers are not stampeded', () => {
    expect(reconnectDelayMs(3, () => 0)).toBe(1000)
    expect(reconnectDelayMs(3, () => 0.5)).toBe(1500)
    expect(reconnectDelayMs(60, () => 0)).toBe(RECONNECT_MAX_MS / 2)
  })
})

describe('ReconnectBackoff', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('retries after each delay in turn, and from the shortest again after a reset', () => {
    const backoff = new ReconnectBackoff(() => 1)
    const attempt = vi.fn()
    backoff.schedule(attempt)
    vi.advanceTimersByTime(249)
    expect(attempt).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(attempt).toHaveBeenCalledTimes(1)

    backoff.schedule(attempt)
    vi.advanceTimersByTime(499)
    expect(attempt).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(1)
    expect(attempt).toHaveBeenCalledTimes(2)

    backoff.reset()
    backoff.schedule(attempt)
    vi.advanceTimersByTime(250)
    expect(attempt).toHaveBeenCalledTimes(3)
  })

  it('keeps one retry waiting at most: scheduling again replaces it', () => {
    const backoff = new ReconnectBackoff(() => 1)
    const first = vi.fn()
    const second = vi.fn()
    backoff.schedule(first)
    backoff.schedule(second)
    expect(vi.getTimerCount()).toBe(1)
    vi.runAllTimers()
    expect(first).not.toHaveBeenCalled()
    expect(second).toHaveBeenCalledTimes(1)
  })

  it('leaves no timer behind once cancelled', () => {
    const backoff = new ReconnectBackoff()
    const attempt = vi.fn()
    backoff.schedule(attempt)
    backoff.cancel()
    expect(vi.getTimerCount()).toBe(0)
    vi.runAllTimers()
    expect(attempt).not.toHaveBeenCalled()
  })
})
