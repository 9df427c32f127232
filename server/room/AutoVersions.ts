/**
 * When a room records an automatic version (docs/sync-protocol.md, "Version
 * history"): once it has been quiet for `idleMs` after a change, at least
 * every `maxMs` while changes go on, and when it unloads with changes not
 * yet in a version (the quiet period would otherwise end with nobody to
 * notice it). Two timers per room with unversioned changes, none otherwise.
 *
 * Hot path: a change only stamps the time (every stored update calls
 * `changed`); the idle timer checks the stamp when it fires and waits out
 * the rest, so typing re-arms no timer (as in Cooling.ts).
 */
import type { Logger } from 'pino'
import type { VersionTimes } from './deps'

export class AutoVersions {
  private idleTimer: NodeJS.Timeout | null = null
  private maxTimer: NodeJS.Timeout | null = null
  /** Changes applied here since the last version this room made. */
  private dirty = false
  private lastChangeAt = 0
  private making: Promise<void> = Promise.resolve()

  constructor(
    private readonly docId: string,
    private readonly times: VersionTimes,
    private readonly log: Logger,
  ) {}

  /** The room stored a change: restart the quiet period, start the longest wait if it is the first. */
  changed(): void {
    this.dirty = true
    this.lastChangeAt = Date.now()
    this.idleTimer ??= setTimeout(this.idleCheck, this.times.idleMs)
    this.maxTimer ??= setTimeout(() => this.make(), this.times.maxMs)
  }

  /** Records a version now if anything changed since the last one (before an unload); resolves when done. */
  flush(): Promise<void> {
    if (this.dirty) this.make()
    return this.making
  }

  /** Stops the timers (the room is going away or was deleted). */
  cancel(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    if (this.maxTimer) clearTimeout(this.maxTimer)
    this.idleTimer = null
    this.maxTimer = null
    this.dirty = false
  }

  /** The idle timer fired: a version if the room has been quiet for idleMs, else wait out the rest. */
  private readonly idleCheck = (): void => {
    this.idleTimer = null
    const quietFor = Date.now() - this.lastChangeAt
    if (quietFor < this.times.idleMs) this.idleTimer = setTimeout(this.idleCheck, this.times.idleMs - quietFor)
    else this.make()
  }

  private make(): void {
    this.cancel()
    this.making = this.making
      .then(async () => {
        await this.times.record(this.docId)
      })
      .catch((error) => this.log.error({ err: error }, 'recording an automatic version failed'))
  }
}
