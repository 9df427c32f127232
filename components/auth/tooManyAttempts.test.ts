import { describe, expect, it } from 'vitest'
import { parseRetryAfter, tooManyAttemptsMessage } from './tooManyAttempts'

describe('the "too many attempts" message', () => {
  it('rounds the wait up to whole minutes', () => {
    expect(tooManyAttemptsMessage(900)).toBe('Too many attempts, try again in 15 minutes.')
    expect(tooManyAttemptsMessage(841)).toBe('Too many attempts, try again in 15 minutes.')
    expect(tooManyAttemptsMessage(60)).toBe('Too many attempts, try again in 1 minute.')
    expect(tooManyAttemptsMessage(1)).toBe('Too many attempts, try again in 1 minute.')
    expect(tooManyAttemptsMessage(Number.NaN)).toBe('Too many attempts, try again in 15 minutes.')
  })

  it('reads Retry-After as seconds or as a date', () => {
    const now = Date.parse('2026-12-01T10:00:00Z')
    expect(parseRetryAfter('120', now)).toBe(120)
    expect(parseRetryAfter('Tue, 01 Dec 2026 10:05:00 GMT', now)).toBe(300)
    expect(parseRetryAfter(null, now)).toBeNaN()
    expect(parseRetryAfter('soon', now)).toBeNaN()
  })
})
