/**
 * What the sign-in and sign-up forms say when the server throttles them
 * (HTTP 429 with `Retry-After`), with the wait in whole minutes, rounded up.
 *
 * @example
 * tooManyAttemptsMessage(840) // 'Too many attempts, try again in 14 minutes.'
 */
export function tooManyAttemptsMessage(retryAfterSeconds: number): string {
  const minutes = Number.isFinite(retryAfterSeconds) ? Math.max(1, Math.ceil(retryAfterSeconds / 60)) : 15
  return `Too many attempts, try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`
}

/** `Retry-After` in seconds (RFC 9110 allows an HTTP date too); NaN when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number {
  if (!value) return Number.NaN
  if (/^\d+$/.test(value.trim())) return Number(value.trim())
  const date = Date.parse(value)
  return Number.isNaN(date) ? Number.NaN : Math.max(0, Math.ceil((date - now) / 1000))
}
