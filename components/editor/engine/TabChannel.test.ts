import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { tabChannelName } from './localCopyNames'
import { TabChannel, type SharedLocalCopy } from './TabChannel'

// Node has the same BroadcastChannel as browsers: these are real channels between "tabs" of one process.
const opened: TabChannel[] = []
afterEach(() => opened.splice(0).forEach((channel) => channel.destroy()))

function tab(userId: string, documentId = 'doc1', localCopy?: SharedLocalCopy): Y.Doc {
  const doc = new Y.Doc()
  opened.push(new TabChannel(doc, userId, documentId, localCopy))
  return doc
}

/** Every message on a tab channel, as another tab would receive it. */
function listen(userId: string, documentId = 'doc1'): { kind: string; bytes: number }[] {
  const heard: { kind: string; bytes: number }[] = []
  const channel = new BroadcastChannel(tabChannelName(userId, documentId))
  channel.onmessage = ({ data }: MessageEvent<{ kind: string; update?: Uint8Array; stateVector?: Uint8Array }>) =>
    heard.push({ kind: data.kind, bytes: (data.update ?? data.stateVector)?.length ?? 0 })
  afterEach(() => channel.close())
  return heard
}

const text = (doc: Y.Doc) => doc.getText('body').toString()

/** Waits (vitest's vi.waitFor, up to 1 s) until `condition` holds. */
const until = (condition: () => boolean) => vi.waitFor(() => expect(condition()).toBe(true), { timeout: 1000, interval: 5 })

describe('TabChannel', () => {
  it('passes each edit to the same user’s other tabs of the document, both ways', async () => {
    const first = tab('u1')
    const second = tab('u1')
    first.getText('body').insert(0, 'from the first tab. ')
    await until(() => text(second) === 'from the first tab. ')
    second.getText('body').insert(20, 'from the second.')
    await until(() => text(first) === 'from the first tab. from the second.')
  })

  it('catches a newly opened tab up with what the open ones hold', async () => {
    const open = tab('u1')
    open.getText('body').insert(0, 'typed before the other tab opened')
    const late = tab('u1')
    await until(() => text(late) === 'typed before the other tab opened')
  })

  it('never joins another user’s tabs, nor another document’s', async () => {
    const mine = tab('u1')
    const theirs = tab('u2')
    const otherDoc = tab('u1', 'doc2')
    const witness = tab('u1')
    mine.getText('body').insert(0, 'private')
    await until(() => text(witness) === 'private') // the message went out…
    expect(text(theirs)).toBe('') // …and reached neither of these
    expect(text(otherDoc)).toBe('')
  })

  it('does not pass on what its local copy loads, and greets the others only once that is in, so they send just what it lacks', async () => {
    // The document both tabs have: the open tab holds it, and it is what the newcomer's local copy holds.
    const shared = new Y.Doc()
    shared.getText('body').insert(0, 'x'.repeat(2_000))
    const state = Y.encodeStateAsUpdate(shared)
    const open = tab('u1')
    Y.applyUpdate(open, state)
    await new Promise((resolve) => setTimeout(resolve, 20)) // its own greeting is out
    const heard = listen('u1')

    let load = () => {}
    const loadOrigin = { name: 'the local copy' }
    const whenLoaded = new Promise<void>((resolve) => (load = resolve))
    const late = tab('u1', 'doc1', { whenLoaded, loadOrigin })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(heard).toEqual([]) // no greeting before the copy is in: it would ask for everything
    // Nor does it ask when greeted meanwhile (a third tab opening): it only answers with what it has.
    const third = new Y.Doc()
    Y.applyUpdate(third, state) // before it joins: it says nothing but its greeting
    opened.push(new TabChannel(third, 'u1', 'doc1'))
    const hellos = () => heard.filter((message) => message.kind === 'hello').length
    await until(() => hellos() >= 2) // the third's greeting, and the open tab's vector back…
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(hellos()).toBe(2) // …and none from the newcomer
    heard.length = 0

    Y.applyUpdate(late, state, loadOrigin)
    load()
    await until(() => hellos() >= 3) // its greeting, and the vectors of the open tab and the third back
    await new Promise((resolve) => setTimeout(resolve, 100)) // what each sends the other in answer
    expect(hellos()).toBe(3)
    expect(text(late)).toBe(text(open))
    // Neither tab sent the document: the loaded state is not passed on, and each side lacked nothing.
    expect(heard.filter((message) => message.kind === 'update').every((message) => message.bytes < 100)).toBe(true)
    expect(state.length).toBeGreaterThan(1_000)

    // Later edits go out as before.
    late.getText('body').insert(0, 'typed in the newcomer ')
    await until(() => text(open).startsWith('typed in the newcomer '))
  })
})

