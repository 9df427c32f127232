// Version history in the browser (issue 13): Alice and Bob edit, Alice finds
// both of them in the history, previews an older version with its changes
// marked, and restores it; Bob sees the restored text without reloading,
// and his undo covers only his own edits made since: a restore is a checkpoint
// undo does not cross. Viewers get no history button.
import { expect, expectConverged, paced, test } from './kit'

test('Alice restores an older version: Bob sees it live, and his undo leaves her restore alone', async ({ team }) => {
  // A long story with three browsers: more than the default minute on a busy machine.
  test.setTimeout(180_000)
  const { alice, bob, vera } = await team({ alice: 'owner', bob: 'editor', vera: 'viewer' })
  const history = alice.page.getByRole('complementary', { name: 'Version history' })

  await alice.editor.typeAtEnd('Alice wrote the introduction.')
  await bob.editor.expectText('Alice wrote the introduction.')
  await alice.page.getByRole('button', { name: 'Version history' }).click()
  await history.getByRole('textbox', { name: 'Name for the current version' }).fill('Introduction')
  await history.getByRole('button', { name: 'Name this version' }).click()
  await expect(history.getByRole('listitem')).toHaveCount(1)

  await bob.editor.typeNewParagraph('Bob added a good paragraph.')
  await alice.editor.expectText('Bob added a good paragraph.')
  await bob.editor.waitUntilSaved()
  await history.getByRole('textbox', { name: 'Name for the current version' }).fill('With Bob')
  await history.getByRole('button', { name: 'Name this version' }).click()
  await expect(history.getByRole('listitem')).toHaveCount(2)

  // Then Bob spoils it: a bad paragraph, and a word in Alice's.
  await bob.editor.typeNewParagraph('Bob added a bad paragraph.')
  await bob.editor.placeCaretAfter('Alice wrote the')
  await bob.editor.type(' WRONG')
  await alice.editor.expectText('Alice wrote the WRONG introduction.')
  // And cuts a word of his own that the version has, which the restore writes back.
  await bob.editor.select('good ')
  await bob.page.keyboard.press('Backspace')
  await alice.editor.expectText('Bob added a paragraph.')
  await bob.editor.waitUntilSaved()

  // "With Bob" lists both authors (Bob wrote, Alice named it), each in their caret colour.
  const withBob = history.getByRole('listitem').filter({ hasText: 'With Bob' })
  const introduction = history.getByRole('listitem').filter({ hasText: 'Introduction' })
  await expect(introduction.locator('[data-author-color]')).toHaveText([alice.name])
  await expect(withBob.locator('[data-author-color]')).toHaveText([bob.name, alice.name])
  for (const person of (await alice.editor.people()).filter((p) => p.name === alice.name || p.name === bob.name)) {
    await expect(withBob.locator('[data-author-color]', { hasText: person.name })).toHaveAttribute('data-author-color', person.color)
  }

  // Preview: read-only, in place of the editor, Bob's paragraph marked as inserted since "Introduction".
  await withBob.getByRole('button').click()
  const preview = alice.page.getByRole('region', { name: 'Version preview' })
  await expect(preview.getByRole('status')).toContainText('Viewing version of')
  await expect(alice.page.locator('.ProseMirror')).toBeHidden()
  await expect(preview.locator('[data-change="inserted"]')).toHaveText(['Inserted: Bob added a good paragraph.'])
  await expect(preview.locator('[data-change="same"]')).toHaveText(['Alice wrote the introduction.'])
  await expect(preview.locator('[contenteditable="true"]')).toHaveCount(0)
  await preview.getByRole('button', { name: 'Back to current' }).click()
  await expect(alice.page.locator('.ProseMirror')).toBeVisible()

  // Restore, after the confirmation.
  await withBob.getByRole('button').click()
  await preview.getByRole('button', { name: 'Restore this version' }).click()
  await alice.page.getByRole('alertdialog').getByRole('button', { name: 'Confirm restore' }).click()
  const restored = ['Alice wrote the introduction.', 'Bob added a good paragraph.']
  // Bob stays connected all along: the restore reaches his open editor.
  await expect.poll(() => bob.editor.blocks(), { timeout: paced(5_000) }).toEqual(restored)
  expect(await expectConverged([alice, bob, vera])).toEqual(restored)
  await expect(history.getByRole('listitem').first()).toContainText('Restored')
  await expect(history.getByRole('listitem').first().getByLabel('Authors')).toHaveText(alice.name)

  // Bob's undo covers only his own edits: what he types next comes off, Alice's restore stays.
  await bob.editor.placeCaretAfter('good paragraph.')
  await bob.editor.type(' Bob again.')
  await alice.editor.expectText('good paragraph. Bob again.')
  // On a busy machine his typing can land in several undo steps: undo until it is gone. No step may bring back
  // anything the restore took away, nor take away anything it put back.
  for (let step = 0; step < 20; step++) {
    const blocks = await bob.editor.blocks()
    if (JSON.stringify(blocks) === JSON.stringify(restored)) break
    expect(blocks.join('\n')).not.toMatch(/WRONG|bad paragraph/)
    expect(blocks[0]).toBe('Alice wrote the introduction.')
    await bob.page.keyboard.press('Control+z')
    await expect.poll(() => bob.editor.blocks()).not.toEqual(blocks)
  }
  await expect.poll(() => bob.editor.blocks()).toEqual(restored)
  // The restore is a checkpoint his undo does not cross (HISTORY-30): undoing his cut of "good " would write
  // the word a second time, since the restore already put it back. ProseMirror handles the shortcut synchronously.
  for (let press = 0; press < 3; press++) {
    await bob.page.keyboard.press('Control+z')
    expect(await bob.editor.blocks()).toEqual(restored)
  }
  await expect.poll(() => alice.editor.blocks()).toEqual(restored)

  // A viewer has no history.
  await expect(vera.page.getByRole('button', { name: 'Version history' })).toHaveCount(0)
})
