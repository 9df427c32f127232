/** Waiting on state, never on time alone: polls, and the clock in token seconds. */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Retries `fn` until it stops throwing (or returns without a failed assertion);
 * rethrows the last error after `timeoutMs`.
 */
export async function eventually<T>(
  fn: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 20 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return await fn()
    } catch (error) {
      if (Date.now() > deadline) throw error
    }
    await sleep(intervalMs)
  }
}

/** Asserts `fn` keeps passing for `forMs` (for "never" promises, after a positive marker). */
export async function consistently(fn: () => unknown | Promise<unknown>, forMs = 300, intervalMs = 25): Promise<void> {
  const deadline = Date.now() + forMs
  for (;;) {
    await fn()
    if (Date.now() > deadline) return
    await sleep(intervalMs)
  }
}

/** The wall clock in whole seconds, as token `iat`/`exp` count it. */
export const nowSeconds = () => Math.floor(Date.now() / 1000)

/** Waits until the wall clock's second is past `second` (so a token's iat is strictly later). */
export async function afterSecond(second: number): Promise<void> {
  while (nowSeconds() <= second) await sleep(25)
}
