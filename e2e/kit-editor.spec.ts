import { expect, test } from './kit'

/**
 * The kit's editor helpers, on a machine as slow as a loaded CI runner.
 * Tiptap moves the focus into the editor in the next animation frame; when
 * frames come late, keys typed in between went to the page and were lost,
 * lines before any assertion could say why (comments.spec failed this way).
 */
test('placing the caret waits for the editor to have the focus, so what is typed next lands in it', async ({ team }) => {
  const { alice } = await team({ alice: 'owner' })
  await alice.editor.typeAtEnd('The fox.')
  // Move the focus out of the editor, and make every animation frame half a second late.
  await alice.page.evaluate(() => {
    ;(document.activeElement as HTMLElement | null)?.blur()
    const frame = window.requestAnimationFrame.bind(window)
    window.requestAnimationFrame = (callback) => window.setTimeout(() => frame(callback), 500)
  })

  await alice.editor.placeCaretAfter('The')
  await alice.editor.type(' quick')
  await alice.editor.select('fox')
  await alice.editor.type('cat')
  await expect.poll(() => alice.editor.text()).toBe('The quick cat.')
})
