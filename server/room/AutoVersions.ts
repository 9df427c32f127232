/**
 * When a room records an automatic version (docs/sync-protocol.md, "Version
 * history"): once it has been quiet for `idleMs` after a change, at least
 * every `maxMs` while changes go on, and when it unloads with changes not
 * yet in a version (the quiet period would otherwise end with nobody to
 * notice it). Two timers per room with unversioned changes, none otherwise.
 *
 * Hot path: every stored update calls `changed`, which only stamps the
 * time (QuietTimer), so typing re-arms no timer.
 */
import type { Logger } from 'pino'
import type { VersionTimes } from './deps'
import { QuietTimer } from './QuietTimer'

export class AutoVersions {
  private readonly idle: QuietTimer
  private maxTimer: NodeJS.Timeout | null = null
  /** Changes applied here since the last version this room made. */
  private dirty = false
  private making: Promise<void> = Promise.resolve()

  constructor(
    private readonly docId: string,
    private readonly times: VersionTimes,
    private readonly log: Logger,
  ) {
    this.idle = new QuietTimer(times.idleMs, () => this.make())
  }

  /** The room stored a change: restart the quiet period, start the longest wait if it is the first. */
  changed(): void {
    this.dirty = true
    this.idle.touch()
    this.maxTimer ??= setTimeout(() => this.make(), this.times.maxMs)
  }

  /** Records a version now if anything changed since the last one (before an unload); resolves when done. */
  flush(): Promise<void> {
    if (this.dirty) this.make()
    return this.making
  }

  /** Stops the timers (the room is going away or was deleted). */
  cancel(): void {
    this.idle.cancel()
    if (this.maxTimer) clearTimeout(this.maxTimer)
    this.maxTimer = null
    this.dirty = false
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
