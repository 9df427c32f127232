/**
 * Calls back once something has gone `quietMs` without a change. A change
 * (`touch`) only stamps the time: the one timer checks the stamp when it
 * fires and waits out the rest, so a stream of changes (typing: one per
 * stored update) re-arms nothing on the hot path. Used for going cold
 * (Cooling.ts) and for automatic versions (AutoVersions.ts).
 */
export class QuietTimer {
  private timer: NodeJS.Timeout | null = null
  private lastTouchAt = 0

  constructor(
    private readonly quietMs: number,
    /** Called once quiet; returning false asks again after another `quietMs` (not possible yet). */
    private readonly onQuiet: () => boolean | void,
    /** Whether a pending timer may keep the process alive. */
    private readonly keepsProcessAlive = true,
  ) {}

  /** A change: the quiet period starts again from now. */
  touch(): void {
    this.lastTouchAt = Date.now()
    if (!this.timer) this.arm(this.quietMs)
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private arm(ms: number): void {
    this.timer = setTimeout(this.fire, ms)
    if (!this.keepsProcessAlive) this.timer.unref()
  }

  private readonly fire = (): void => {
    this.timer = null
    const quietFor = Date.now() - this.lastTouchAt
    if (quietFor < this.quietMs) this.arm(this.quietMs - quietFor)
    else if (this.onQuiet() === false) this.arm(this.quietMs)
  }
}
