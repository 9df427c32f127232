import { describe, expect, it } from 'vitest'
import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { keepColorDistinct, peopleFromAwareness, watchPeople, type Person } from './presence'
import { colorForUser, distinctColorFor, initialsOf, USER_COLORS } from './userColor'

describe('people in the document', () => {
  const states = (...entries: Array<Record<string, unknown>>) => new Map(entries.map((state, i) => [i + 1, state]))

  it('lists each user once however many tabs they have, yourself first, then by name', () => {
    const people = peopleFromAwareness(
      states(
        { user: { id: 'b', name: 'Bob', color: '#b91c1c' } },
        { user: { id: 'z', name: 'Zoe', color: '#047857' } },
        { user: { id: 'a', name: 'Alice', color: '#1d4ed8' } },
        { user: { id: 'b', name: 'Bob', color: '#b91c1c' } },
      ),
      'z',
    )
    expect(people.map((p) => [p.name, p.isSelf])).toEqual([
      ['Zoe', true],
      ['Alice', false],
      ['Bob', false],
    ])
  })

  it('ignores awareness states without a well-formed user (e.g. a stock client)', () => {
    expect(peopleFromAwareness(states({}, { user: { name: 'no id' } }, { cursor: null }), 'me')).toEqual([])
  })
})

describe('user colours and initials', () => {
  it('gives a user the same #rrggbb colour every time', () => {
    expect(colorForUser('user-1')).toBe(colorForUser('user-1'))
    for (const id of ['a', 'bb', 'user-1', 'Zq9_-x']) expect(colorForUser(id)).toMatch(/^#[0-9a-f]{6}$/)
    expect(new Set(['a', 'b', 'c', 'd', 'e', 'f'].map(colorForUser)).size).toBeGreaterThan(1)
    expect(USER_COLORS.every((c) => /^#[0-9a-f]{6}$/.test(c))).toBe(true)
  })

  it('makes initials from the first and last word', () => {
    expect(initialsOf('Ada Lovelace')).toBe('AL')
    expect(initialsOf('  grace  brewster hopper ')).toBe('GH')
    expect(initialsOf('bob')).toBe('B')
    expect(initialsOf('')).toBe('?')
  })
})

describe('distinct presence colours', () => {
  // Two ids whose hashed colours collide.
  const ids = Array.from({ length: 200 }, (_, i) => `user-${i}`)
  const [first, second] = ids.filter((id) => colorForUser(id) === colorForUser(ids[0]))

  it('keeps a user’s own colour when nobody else wears it', () => {
    expect(distinctColorFor('user-x', [])).toBe(colorForUser('user-x'))
  })

  it('moves the user whose id sorts later off a shared colour, to the next free one', () => {
    const [low, high] = [first, second].sort()
    expect(distinctColorFor(low, [{ id: high, color: colorForUser(high) }])).toBe(colorForUser(low))
    const moved = distinctColorFor(high, [{ id: low, color: colorForUser(low) }])
    expect(moved).not.toBe(colorForUser(low))
    expect(USER_COLORS).toContain(moved)
  })

  it('ignores the user’s own other tabs', () => {
    expect(distinctColorFor(first, [{ id: first, color: colorForUser(first) }])).toBe(colorForUser(first))
  })
})

/** Two tabs' awareness, each change relayed to the other as the sync server would. */
function twoTabs() {
  const a = new Awareness(new Y.Doc())
  const b = new Awareness(new Y.Doc())
  const relay = (from: Awareness, to: Awareness) =>
    from.on('update', ({ added, updated, removed }: Record<string, number[]>, origin: unknown) => {
      if (origin !== 'relay') applyAwarenessUpdate(to, encodeAwarenessUpdate(from, [...added, ...updated, ...removed]), 'relay')
    })
  relay(a, b)
  relay(b, a)
  return { a, b, destroy: () => [a, b].forEach((awareness) => awareness.destroy()) }
}

describe('presence across tabs', () => {
  const ids = Array.from({ length: 200 }, (_, i) => `user-${i}`)
  const [low, high] = ids.filter((id) => colorForUser(id) === colorForUser(ids[0])).slice(0, 2).sort()
  const userNamed = (id: string) => ({ id, name: id, color: colorForUser(id) })
  const colorOf = (awareness: Awareness) => (awareness.getLocalState()?.user as { color: string }).color

  it('two people whose colours collide end up with different carets, the same on both screens', () => {
    const { a, b, destroy } = twoTabs()
    const stops = [keepColorDistinct(a, userNamed(low)), keepColorDistinct(b, userNamed(high))]
    expect(colorOf(a)).toBe(colorForUser(low))
    expect(colorOf(b)).not.toBe(colorOf(a))
    expect(USER_COLORS).toContain(colorOf(b))
    // Each screen sees the other's settled colour.
    const seenByA = peopleFromAwareness(a.getStates() as Map<number, Record<string, unknown>>, low)
    expect(seenByA.find((person) => person.id === high)?.color).toBe(colorOf(b))
    stops.forEach((stop) => stop())
    destroy()
  })

  it('tells the people list who is here as people come and go', () => {
    const { a, b, destroy } = twoTabs()
    a.setLocalStateField('user', userNamed(low))
    const seen: Person[][] = []
    const stop = watchPeople(a, low, (people) => seen.push(people))
    expect(seen.at(-1)?.map((person) => person.id)).toEqual([low])
    b.setLocalStateField('user', userNamed(high))
    expect(seen.at(-1)?.map((person) => [person.id, person.isSelf])).toEqual([
      [low, true],
      [high, false],
    ])
    b.setLocalState(null)
    expect(seen.at(-1)?.map((person) => person.id)).toEqual([low])
    stop()
    destroy()
  })
})
