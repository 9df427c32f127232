/**
 * Where the comment cards go beside the text (issue 16), as arithmetic only:
 * no DOM, so it is tested on its own. The panel measures, calls this, and
 * writes the tops.
 *
 * Cards come in text order, each with the top it would like (its highlighted
 * text's top, relative to the cards' column) and its height. A card never
 * goes above the column (0) or above the card before it, and never overlaps
 * it: later cards are pushed down. The active card, when there is one, sits
 * exactly at its text (unless the cards before it cannot fit above it), and
 * the cards before it move up out of its way instead of pushing it down.
 */

export interface CardBox {
  /** The top the card would like, in pixels from the top of the column. */
  desiredTop: number
  height: number
}

export interface LayoutOptions {
  /** The card to pin at its text; -1 or absent for none. */
  activeIndex?: number
  /** Space between two cards. */
  gap?: number
}

export interface CardLayout {
  tops: number[]
  /** The column's height: the lowest card's bottom, 0 without cards. */
  height: number
}

function clean(value: number): number {
  return Number.isFinite(value) ? Math.max(0, value) : 0
}

export function layoutCards(cards: readonly CardBox[], { activeIndex = -1, gap = 8 }: LayoutOptions = {}): CardLayout {
  const heights = cards.map((card) => clean(card.height))
  const desired = cards.map((card) => clean(card.desiredTop))
  const tops = new Array<number>(cards.length)

  // Everyone pushed down by the card before: the layout without an active card.
  let bottom = -gap
  for (let i = 0; i < cards.length; i++) {
    tops[i] = Math.max(desired[i], bottom + gap)
    bottom = tops[i] + heights[i]
  }

  const active = Number.isInteger(activeIndex) && activeIndex >= 0 && activeIndex < cards.length ? activeIndex : -1
  if (active > 0) {
    // The cards before it need this much room above it.
    let room = 0
    for (let i = 0; i < active; i++) room += heights[i] + gap
    tops[active] = Math.max(desired[active], room)
    // Those before it move up where they would reach into it...
    for (let i = active - 1; i >= 0; i--) tops[i] = Math.min(tops[i], tops[i + 1] - gap - heights[i])
    // ...and those after it are pushed down from it.
    for (let i = active + 1; i < cards.length; i++) tops[i] = Math.max(desired[i], tops[i - 1] + heights[i - 1] + gap)
  }
  // (The first card, active or not, is already at its text: nothing comes before it.)

  let height = 0
  for (let i = 0; i < cards.length; i++) height = Math.max(height, tops[i] + heights[i])
  return { tops, height }
}
