import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { LiveEvent } from '@/lib/liveEvents'

vi.mock('server-only', () => ({}))

const { addUser, createTestDb } = await import('../../../testkit/appDb')
const { MemoryBus, eventsNotice } = await import('./bus')
const { LiveEventHub } = await import('./hub')
const store = await import('./store')

/** A subscriber that records what it was sent. */
function recorder(userId: string, lastId = 0, sessionId: string | null = null) {
  const received: number[] = []
  let ended = false
  const subscriber = {
    userId,
    sessionId,
    lastId,
    deliver: (events: LiveEvent[]) => received.push(...events.map((event) => event.id)),
    end: () => void (ended = true),
  }
  return { subscriber, received, isEnded: () => ended }
}

const renamed = (userId: string, title: string) => ({ userId, type: 'document.renamed' as const, notify: false, data: { documentId: 'd', title } })

describe('the live event hub of one process', () => {
  let t: Awaited<ReturnType<typeof createTestDb>>
  let bus: InstanceType<typeof MemoryBus>
  let hub: InstanceType<typeof LiveEventHub>
  let userId: string

  beforeEach(async () => {
    t = await createTestDb()
    bus = new MemoryBus()
    hub = new LiveEventHub(t.db, bus)
    userId = (await addUser(t.db, 'Bob')).id
  })
  afterEach(async () => {
    await t.cleanup()
  })

  it('replays stored events to a new stream, then sends events carried by notices', async () => {
    await store.appendEvents(t.db, [renamed(userId, 'a'), renamed(userId, 'b')])
    const late = recorder(userId, 1)
    hub.subscribe(late.subscriber)
    await vi.waitFor(() => expect(late.received).toEqual([2]))

    const [third] = await store.appendEvents(t.db, [renamed(userId, 'c')])
    await bus.publish(eventsNotice(userId, [third.event]))
    await vi.waitFor(() => expect(late.received).toEqual([2, 3]))
  })

  it('reads the database when a notice was lost, so nothing is skipped or repeated', async () => {
    const stream = recorder(userId)
    hub.subscribe(stream.subscriber)
    const [first] = await store.appendEvents(t.db, [renamed(userId, 'a')])
    await bus.publish(eventsNotice(userId, [first.event]))
    await vi.waitFor(() => expect(stream.received).toEqual([1]))

    await store.appendEvents(t.db, [renamed(userId, 'lost notice')])
    const [third] = await store.appendEvents(t.db, [renamed(userId, 'c')])
    await bus.publish(eventsNotice(userId, [third.event]))
    await vi.waitFor(() => expect(stream.received).toEqual([1, 2, 3]))
    // The same notice again, and a bare hint, send nothing twice: the next event follows straight on.
    await bus.publish(eventsNotice(userId, [third.event]))
    await bus.publish({ kind: 'events', userId })
    const [fourth] = await store.appendEvents(t.db, [renamed(userId, 'd')])
    await bus.publish(eventsNotice(userId, [fourth.event]))
    await vi.waitFor(() => expect(stream.received).toEqual([1, 2, 3, 4]))
  })

  it('ends the streams of the session that signed out, not the user’s others', async () => {
    const leaving = recorder(userId, 0, 'session-1')
    const staying = recorder(userId, 0, 'session-2')
    hub.subscribe(leaving.subscriber)
    const unsubscribe = hub.subscribe(staying.subscriber)
    expect(hub.streamCount).toBe(2)
    await bus.publish({ kind: 'session-ended', userId, sessionId: 'session-1' })
    await vi.waitFor(() => expect(leaving.isEnded()).toBe(true))
    expect(staying.isEnded()).toBe(false)
    unsubscribe()
    expect(hub.streamCount).toBe(1)
  })
})
