import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { META_MAP, setLiveTitle, TITLE_KEY, watchLiveTitle } from './documentShape'

/** Two replicas of one document, each update relayed to the other as the sync server would. */
function twoTabs() {
  const a = new Y.Doc()
  const b = new Y.Doc()
  a.on('update', (update: Uint8Array, origin: unknown) => origin !== b && Y.applyUpdate(b, update, a))
  b.on('update', (update: Uint8Array, origin: unknown) => origin !== a && Y.applyUpdate(a, update, b))
  return { a, b }
}

describe('the live title', () => {
  it('reaches everyone watching the document as it is typed, and a late watcher gets it at once', () => {
    const { a, b } = twoTabs()
    const seen = vi.fn()
    const stop = watchLiveTitle(b, seen)
    expect(seen).not.toHaveBeenCalled() // no title yet
    setLiveTitle(a, 'P')
    setLiveTitle(a, 'Pl')
    expect(seen.mock.calls.map(([title]) => title)).toEqual(['P', 'Pl'])
    stop()
    setLiveTitle(a, 'Plan')
    expect(seen).toHaveBeenCalledTimes(2)

    const late = vi.fn()
    watchLiveTitle(b, late)()
    expect(late).toHaveBeenCalledWith('Plan')
  })

  it('ignores a title that is not a string (any client with write access can put anything in the map)', () => {
    const { a, b } = twoTabs()
    setLiveTitle(a, 'Kept')
    const seen = vi.fn()
    const stop = watchLiveTitle(b, seen)
    a.getMap(META_MAP).set(TITLE_KEY, 42 as unknown as string)
    expect(seen.mock.calls).toEqual([['Kept']])
    stop()
  })
})
