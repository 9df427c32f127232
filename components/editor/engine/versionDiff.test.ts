import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { blocksOfState, diffBlocks, type Block } from './versionDiff'

function stateWith(build: (fragment: Y.XmlFragment) => void): Uint8Array {
  const doc = new Y.Doc()
  build(doc.getXmlFragment('default'))
  return Y.encodeStateAsUpdate(doc)
}

function element(name: string, text: string, attrs: Record<string, number> = {}): Y.XmlElement {
  const node = new Y.XmlElement(name)
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value as unknown as string)
  const run = new Y.XmlText()
  run.insert(0, text)
  node.insert(0, [run])
  return node
}

const paragraph = (text: string): Block => ({ type: 'paragraph', level: null, text })

describe('versionDiff', () => {
  it("reads a version's blocks from its state: type, heading level, text without formatting", () => {
    const state = stateWith((fragment) => {
      fragment.insert(0, [element('heading', 'Title', { level: 2 }), element('paragraph', 'plain ')])
      ;((fragment.get(1) as Y.XmlElement).get(0) as Y.XmlText).insert(6, 'bold', { bold: true })
    })
    expect(blocksOfState(state)).toEqual([
      { type: 'heading', level: 2, text: 'Title' },
      { type: 'paragraph', level: null, text: 'plain bold' },
    ])
  })

  it('marks blocks inserted and deleted since the previous version, a changed one as both', () => {
    const before = [paragraph('kept'), paragraph('old wording'), paragraph('removed'), paragraph('end')]
    const after = [paragraph('kept'), paragraph('new wording'), paragraph('end'), paragraph('added')]
    expect(diffBlocks(before, after).map((change) => `${change.kind}:${change.block.text}`)).toEqual([
      'same:kept',
      'deleted:old wording',
      'deleted:removed',
      'inserted:new wording',
      'same:end',
      'inserted:added',
    ])
  })

  it('marks everything inserted when there is no previous version', () => {
    expect(diffBlocks([], [paragraph('a')])).toEqual([{ kind: 'inserted', block: paragraph('a') }])
  })
})
