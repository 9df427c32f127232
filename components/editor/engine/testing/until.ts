import { vi } from 'vitest'

/** Waits (vitest's vi.waitFor) until `predicate` holds of what `read` returns, and returns that value; the last one is in the error. */
export function until<T>(read: () => T, predicate: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  return vi.waitFor(
    () => {
      const value = read()
      if (!predicate(value)) throw new Error(`not yet; last value ${JSON.stringify(value)}`)
      return value
    },
    { timeout: timeoutMs, interval: 25 },
  )
}
