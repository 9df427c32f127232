/**
 * Puts a quiet room's document back to bytes. A live Y.Doc costs several
 * times its encoded size in memory (a 5 KB document: about 35 KiB of heap),
 * and most open documents sit untouched for long stretches while their
 * editors read. Once the document has not changed for `afterMs`, the room
 * asks to go cold (LiveDocument.cool): it keeps the document as one encoded
 * update, as it does right after loading, and builds the Y.Doc again on the
 * next write or anything else that needs it (ROOM_COLD_AFTER_MS, MEMORY-7).
 *
 * Hot path: a change only stamps the time; one timer per room checks the
 * stamp when it fires and waits out the rest, so typing re-arms nothing.
 */
export class Cooling {
  private timer: NodeJS.Timeout | null = null
  private lastChangeAt = 0

  constructor(
    /** Quiet this long: go cold. 0 never does. */
    private readonly afterMs: number,
    /** Tries to go cold now; false when the room cannot yet (writes in flight, a rebuild): asked again later. */
    private readonly tryCool: () => boolean,
  ) {}

  /** The live document was built or changed: go cold only after `afterMs` of quiet from now. */
  changed(): void {
    if (this.afterMs <= 0) return
    this.lastChangeAt = Date.now()
    if (!this.timer) this.arm(this.afterMs)
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private arm(ms: number): void {
    this.timer = setTimeout(this.fire, ms)
    // A quiet room must not keep the process alive.
    this.timer.unref()
  }

  private readonly fire = (): void => {
    this.timer = null
    const quietFor = Date.now() - this.lastChangeAt
    if (quietFor < this.afterMs) this.arm(this.afterMs - quietFor)
    else if (!this.tryCool()) this.arm(this.afterMs)
  }
}
