/**
 * A token bucket per peer: `5 ×` the rate in the bucket, refilled at the rate
 * per second (docs/sync-protocol.md, "Bad input": a flood closes with 1008).
 * A burst, such as a client replaying its offline edits, passes; a sustained
 * flood does not.
 */
export class RateBucket {
  private tokens: number
  private lastRefillMs: number
  private readonly size: number

  constructor(private readonly perSecond: number) {
    this.size = perSecond * 5
    this.tokens = this.size
    this.lastRefillMs = performance.now()
  }

  /** Takes one message's token; false when the bucket is empty. */
  take(): boolean {
    const now = performance.now()
    const refill = ((now - this.lastRefillMs) / 1000) * this.perSecond
    this.tokens = Math.min(this.size, this.tokens + refill)
    this.lastRefillMs = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}
