import { expect, test } from './kit'

test('rich text: shortcuts, markdown shortcuts and the toolbar, which shows the active marks; others see the formatting', async ({ team }) => {
  const { alice, bob } = await team({ alice: 'owner', bob: 'viewer' })

  const page = alice.page
  const toolbar = page.getByRole('toolbar', { name: 'Formatting' })
  await alice.editor.editor.click()
  await page.keyboard.type('## Agenda')
  await page.keyboard.press('Enter')
  await expect(toolbar.getByRole('button', { name: 'Heading 2' })).toHaveAttribute('aria-pressed', 'false')

  await page.keyboard.press('Control+b')
  await expect(toolbar.getByRole('button', { name: 'Bold' })).toHaveAttribute('aria-pressed', 'true')
  await page.keyboard.type('Decide')
  await page.keyboard.press('Control+b')
  await page.keyboard.type(' the date. ')
  await toolbar.getByRole('button', { name: 'Italic' }).click()
  await page.keyboard.type('Soon')
  await expect(toolbar.getByRole('button', { name: 'Italic' })).toHaveAttribute('aria-pressed', 'true')
  await page.keyboard.press('Enter')
  await toolbar.getByRole('button', { name: 'Task list' }).click()
  await page.keyboard.type('Book the room')
  await expect(toolbar.getByRole('button', { name: 'Task list' })).toHaveAttribute('aria-pressed', 'true')

  const bobEditor = bob.editor.editor
  await expect(bobEditor.locator('h2')).toHaveText('Agenda')
  await expect(bobEditor.locator('strong')).toHaveText('Decide')
  await expect(bobEditor.locator('em')).toHaveText('Soon')
  await expect(bobEditor.locator('ul[data-type="taskList"] li')).toContainText('Book the room')
  // The toolbar is one Tab stop; arrow keys move between its buttons.
  await expect(toolbar.getByRole('button', { name: 'Bold' })).toHaveAttribute('tabindex', '0')
  await expect(toolbar.getByRole('button', { name: 'Italic' })).toHaveAttribute('tabindex', '-1')
  await toolbar.getByRole('button', { name: 'Bold' }).focus()
  await page.keyboard.press('ArrowRight')
  await expect(toolbar.getByRole('button', { name: 'Italic' })).toBeFocused()
  await page.keyboard.press('End')
  // The last button is Comment (issue 16), after the formatting ones.
  await expect(toolbar.getByRole('button', { name: 'Comment', exact: true })).toBeFocused()

  // A viewer gets no toolbar.
  await expect(bob.page.getByRole('toolbar', { name: 'Formatting' })).toHaveCount(0)
})
