import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { TabChannel } from './TabChannel'

// Node has the same BroadcastChannel as browsers: these are real channels between "tabs" of one process.
const opened: TabChannel[] = []
afterEach(() => opened.splice(0).forEach((channel) => channel.destroy()))

function tab(userId: string, documentId = 'doc1'): Y.Doc {
  const doc = new Y.Doc()
  opened.push(new TabChannel(doc, userId, documentId))
  return doc
}

const text = (doc: Y.Doc) => doc.getText('body').toString()

async function until(condition: () => boolean) {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5))
  expect(condition()).toBe(true)
}

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
})
