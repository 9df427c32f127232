/**
 * The clocks an update claims, read off the structs the validating decode
 * produced anyway (no second decode), for the broadcaster.
 *
 * Why it matters: an update may repeat clocks another update already
 * claimed, by right (a reconnecting client's sync step 2 carries everything)
 * or by forgery (a struct with an existing id and other content, or one cut
 * off from what it depends on). Applied in order, Yjs keeps what came first
 * and holds back what it cannot place, and every receiver that applies the
 * same updates in the same order ends where the room is. Merged into one
 * update (Y.mergeUpdates), the later claim can win or be cut into a piece
 * that integrates where the room's copy waits. So the broadcaster merges
 * only updates whose claims do not overlap.
 */
import * as Y from 'yjs'
import type { DecodedStruct } from '../protocol'

/** `[client, fromClock, toClock]` triples, flat (few objects on the hot path). */
export function claimedClocks(structs: readonly DecodedStruct[]): number[] {
  const ranges: number[] = []
  for (const struct of structs) {
    // A Skip marks a gap in the update, not content.
    if (struct instanceof Y.Skip) continue
    ranges.push(struct.id.client, struct.id.clock, struct.id.clock + struct.length)
  }
  return ranges
}
