import { loadTrace } from '../testkit/trace'
import { expect, expectConverged, paced, paragraphsUpdate, test } from './kit'

/** The final text of the automerge-paper editing trace: 104,852 characters of LaTeX (testkit/data/README.md). */
test('a long document (about 105,000 characters) opens, scrolls and takes typing for two users', async ({ team, syncApi }) => {
  const text = loadTrace().finalText
  const lines = text.split('\n')

  const { alice, bob } = await team({ alice: 'owner', bob: { role: 'editor', open: false } })
  // Loaded through the server's HTTP API, as a self-hoster's backend would import a document.
  await syncApi.postUpdate(alice.documentId!, paragraphsUpdate(text))

  // Both open it fresh from the server.
  const openedAt = Date.now()
  await Promise.all([alice.reload(), bob.open()])
  for (const user of [alice, bob]) await expect.poll(() => user.editor.blocks(), { timeout: paced(20_000) }).toEqual(lines)
  console.log(`[long document] open and render for two users: ${Date.now() - openedAt} ms`)

  // Scrolling: the end is far below the first screen, and Ctrl+End brings it into view.
  const lastParagraph = alice.editor.editor.locator(':scope > p').last()
  await expect(lastParagraph).not.toBeInViewport()
  await alice.editor.typeAtEnd(' Alice signs off at the very end.')
  await expect(lastParagraph).toBeInViewport()
  await expect(lastParagraph).toContainText('Alice signs off at the very end.')

  // Bob writes at the very top at the same time as Alice writes at the bottom.
  await bob.editor.editor.click()
  await bob.page.keyboard.press('Control+Home')
  await Promise.all([bob.editor.type('Bob starts here. ', { delayMs: 20 }), alice.editor.type(' And once more.', { delayMs: 20 })])

  const blocks = await expectConverged([alice, bob], { stallMs: 30_000 })
  expect(blocks).toHaveLength(lines.length)
  expect(blocks[0]).toBe('Bob starts here. ' + lines[0])
  expect(blocks.at(-1)).toBe(lines.at(-1) + ' Alice signs off at the very end. And once more.')
  expect(blocks.slice(1, -1)).toEqual(lines.slice(1, -1))
  for (const user of [alice, bob]) await user.editor.waitUntilSaved()
})
