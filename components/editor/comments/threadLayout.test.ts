import { describe, expect, it } from 'vitest'
import { layoutCards, type CardBox } from './threadLayout'

const GAP = 8

function cards(...pairs: Array<[number, number]>): CardBox[] {
  return pairs.map(([desiredTop, height]) => ({ desiredTop, height }))
}

/** A small seeded generator, so a failure repeats. */
function random(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

function expectNoOverlap(boxes: CardBox[], tops: number[]) {
  for (let i = 1; i < boxes.length; i++) expect(tops[i]).toBeGreaterThanOrEqual(tops[i - 1] + boxes[i - 1].height + GAP - 1e-9)
  for (const top of tops) expect(top).toBeGreaterThanOrEqual(0)
}

// proves: COMMENTS-21
describe('layoutCards (comment cards beside their text)', () => {
  it('puts cards that have room exactly at their text', () => {
    const boxes = cards([10, 50], [200, 80], [400, 30])
    expect(layoutCards(boxes, { gap: GAP })).toEqual({ tops: [10, 200, 400], height: 430 })
  })

  it('pushes a later card down below the one before it, never up', () => {
    const boxes = cards([100, 120], [150, 40], [160, 40], [500, 10])
    const { tops, height } = layoutCards(boxes, { gap: GAP })
    expect(tops).toEqual([100, 228, 276, 500])
    expect(height).toBe(510)
  })

  it('pins the active card at its text and moves the ones before it up out of its way', () => {
    const boxes = cards([300, 120], [350, 40], [360, 40])
    const { tops } = layoutCards(boxes, { gap: GAP, activeIndex: 2 })
    expect(tops[2]).toBe(360)
    expect(tops[1]).toBe(360 - GAP - 40)
    expect(tops[0]).toBe(tops[1] - GAP - 120)
    expectNoOverlap(boxes, tops)
  })

  it('leaves the cards before the active one where they were when they do not reach it', () => {
    const boxes = cards([0, 50], [20, 50], [400, 50], [410, 50])
    const { tops } = layoutCards(boxes, { gap: GAP, activeIndex: 3 })
    expect(tops).toEqual([0, 58, 410 - GAP - 50, 410])
  })

  it('pushes the cards after the active one down from it', () => {
    const boxes = cards([0, 300], [100, 50], [120, 50])
    const { tops } = layoutCards(boxes, { gap: GAP, activeIndex: 1 })
    expect(tops).toEqual([0, 308, 366])
  })

  it('moves the active card down only as far as the cards before it need to fit above the column top', () => {
    const boxes = cards([0, 100], [10, 100], [20, 40])
    const { tops } = layoutCards(boxes, { gap: GAP, activeIndex: 2 })
    expect(tops).toEqual([0, 108, 216])
  })

  it('keeps cards inside the column and copes with nonsense measurements', () => {
    const boxes = cards([-50, 20], [Number.NaN, 20], [30, -5], [Number.POSITIVE_INFINITY, 10])
    const { tops, height } = layoutCards(boxes, { gap: GAP, activeIndex: 99 })
    expect(tops).toEqual([0, 28, 56, 64])
    expect(height).toBe(74)
    expect(layoutCards([], { activeIndex: 0 })).toEqual({ tops: [], height: 0 })
  })

  it('never overlaps, keeps text order, and pins the active card whenever there is room, for random cards', () => {
    const next = random(16)
    for (let round = 0; round < 500; round++) {
      const count = 1 + Math.floor(next() * 12)
      let top = next() * 200
      const boxes: CardBox[] = []
      for (let i = 0; i < count; i++) {
        top += next() < 0.3 ? 0 : next() * 300
        boxes.push({ desiredTop: top, height: 20 + next() * 200 })
      }
      const activeIndex = next() < 0.3 ? -1 : Math.floor(next() * count)
      const { tops, height } = layoutCards(boxes, { gap: GAP, activeIndex })
      expectNoOverlap(boxes, tops)
      expect(height).toBeCloseTo(tops[count - 1] + boxes[count - 1].height, 9)
      if (activeIndex < 0) {
        tops.forEach((t, i) => expect(t).toBeGreaterThanOrEqual(boxes[i].desiredTop))
      } else {
        const room = boxes.slice(0, activeIndex).reduce((sum, box) => sum + box.height + GAP, 0)
        expect(tops[activeIndex]).toBeCloseTo(Math.max(boxes[activeIndex].desiredTop, room), 9)
        // Cards after the active one are only ever pushed down from their text.
        for (let i = activeIndex + 1; i < count; i++) expect(tops[i]).toBeGreaterThanOrEqual(boxes[i].desiredTop)
      }
    }
  })
})
