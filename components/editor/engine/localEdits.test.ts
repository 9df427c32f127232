import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { LOCAL_EDIT_REPORT_INTERVAL_MS, reportLocalEdits } from './localEdits'

const REMOTE = Symbol('provider')
const typeLocally = (doc: Y.Doc, text: string) => doc.getText('body').insert(0, text)
const receiveRemote = (doc: Y.Doc, text: string) => {
  const other = new Y.Doc()
  other.getText('body').insert(0, text)
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(other), REMOTE)
}

describe('reporting local edits (the document list’s "last edited")', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('reports the first edit at once, then once per interval however fast one types, with the last burst included', () => {
    const doc = new Y.Doc()
    const report = vi.fn()
    const stop = reportLocalEdits(doc, REMOTE, report)
    typeLocally(doc, 'a')
    expect(report).toHaveBeenCalledTimes(1)
    for (let i = 0; i < 50; i++) typeLocally(doc, 'b')
    expect(report).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(LOCAL_EDIT_REPORT_INTERVAL_MS)
    expect(report).toHaveBeenCalledTimes(2)
    vi.advanceTimersByTime(10 * LOCAL_EDIT_REPORT_INTERVAL_MS)
    expect(report).toHaveBeenCalledTimes(2) // no edits, no reports
    stop()
  })

  it('ignores edits that came from the server: those are other people’s', () => {
    const doc = new Y.Doc()
    const report = vi.fn()
    const stop = reportLocalEdits(doc, REMOTE, report)
    receiveRemote(doc, 'from Bob')
    vi.runAllTimers()
    expect(report).not.toHaveBeenCalled()
    stop()
  })

  it('sends a pending report when stopped (leaving the page mid-interval), and leaves no timer', () => {
    const doc = new Y.Doc()
    const report = vi.fn()
    const stop = reportLocalEdits(doc, REMOTE, report)
    typeLocally(doc, 'a')
    typeLocally(doc, 'b')
    expect(report).toHaveBeenCalledTimes(1)
    stop()
    expect(report).toHaveBeenCalledTimes(2)
    expect(vi.getTimerCount()).toBe(0)
    typeLocally(doc, 'c')
    expect(report).toHaveBeenCalledTimes(2)
  })
})
