/**
 * Puts a quiet room's document back to bytes. A live Y.Doc costs several
 * times its encoded size in memory (a 5 KB document: about 35 KiB of heap),
 * and most open documents sit untouched for long stretches while their
 * editors read. Once the document has not changed for `afterMs`, the room
 * asks to go cold (LiveDocument.cool): it keeps the document as one encoded
 * update, as it does right after loading, and builds the Y.Doc again on the
 * next write or anything else that needs it (ROOM_COLD_AFTER_MS, MEMORY-7).
 *
 * Hot path: a change only stamps the time (QuietTimer), so typing re-arms
 * nothing.
 */
import { QuietTimer } from './QuietTimer'

export class Cooling {
  /** Null when the room never goes cold (`afterMs` 0). */
  private readonly quiet: QuietTimer | null

  constructor(
    /** Quiet this long: go cold. 0 never does. */
    afterMs: number,
    /** Tries to go cold now; false when the room cannot yet (writes in flight, a rebuild): asked again later. */
    tryCool: () => boolean,
  ) {
    // A quiet room must not keep the process alive.
    this.quiet = afterMs > 0 ? new QuietTimer(afterMs, tryCool, false) : null
  }

  /** The live document was built or changed: go cold only after `afterMs` of quiet from now. */
  changed(): void {
    this.quiet?.touch()
  }

  cancel(): void {
    this.quiet?.cancel()
  }
}
