/** The first retry comes after about this long; each failed attempt doubles it. */
export const RECONNECT_BASE_MS = 250
/** No retry waits longer than this, so a user back from a long outage is not kept waiting. */
export const RECONNECT_MAX_MS = 10_000

/**
 * How long to wait before reconnect attempt number `attempt` (0 for the first):
 * 250 ms doubling up to 10 s, then a random point in the upper half of that,
 * so that every tab of a restarted server does not come back in the same instant.
 */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const backoff = Math.min(RECONNECT_BASE_MS * 2 ** attempt, RECONNECT_MAX_MS)
  return backoff / 2 + random() * (backoff / 2)
}

/**
 * The session's reconnect timer. y-websocket has its own backoff, but the
 * session pauses it (it would reuse a stale token in the URL) and reconnects
 * through this instead, with a fresh token each time.
 *
 * @example
 * const backoff = new ReconnectBackoff()
 * socket.onclose = () => backoff.schedule(connect)
 * socket.onsynced = () => backoff.reset()
 */
export class ReconnectBackoff {
  private attempts = 0
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly random: () => number = Math.random) {}

  /** Runs `attempt` after the next delay; a retry already waiting is replaced, not doubled up. */
  schedule(attempt: () => void): void {
    clearTimeout(this.timer)
    const delay = reconnectDelayMs(this.attempts, this.random)
    this.attempts += 1
    this.timer = setTimeout(attempt, delay)
  }

  /** A connection worked: the next failure starts again from the shortest delay. */
  reset(): void {
    this.attempts = 0
  }

  /** Drops the waiting retry, if any. */
  cancel(): void {
    clearTimeout(this.timer)
  }
}
