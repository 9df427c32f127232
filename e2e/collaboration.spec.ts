import { expect, test } from './kit'

test.describe('editing together', () => {
  test('two users type into one document and see each other’s text, caret and presence', async ({ team }) => {
    const { alice, bob } = await team({ alice: 'owner', bob: 'editor' })

    await alice.editor.typeAtEnd('Hello from Alice.')
    await bob.editor.expectText('Hello from Alice.')

    await bob.editor.typeAtEnd(' And Bob.')
    await alice.editor.expectText('Hello from Alice. And Bob.')

    // Named carets, in each other's editor.
    await expect(alice.editor.caretLabel(bob.name)).toBeVisible()
    await expect(bob.editor.caretLabel(alice.name)).toBeVisible()

    // The people list names both.
    for (const editor of [alice.editor, bob.editor]) {
      await expect(editor.peopleList.getByRole('listitem')).toHaveCount(2)
      await expect(editor.peopleList).toContainText(alice.name)
      await expect(editor.peopleList).toContainText(bob.name)
    }

    // Saved means stored by the server, not just sent.
    await alice.editor.waitUntilSaved()
    await bob.editor.waitUntilSaved()
    await expect(alice.editor.status).toContainText('saved')

    // Undo takes back only one's own edits (step by step: a busy machine can split her typing into several steps).
    await alice.editor.editor.click()
    await alice.editor.undoUntil(
      (blocks) => blocks.join('') === ' And Bob.',
      (blocks) => blocks.join('').endsWith(' And Bob.') && 'Hello from Alice.'.startsWith(blocks.join('').slice(0, -' And Bob.'.length)),
    )
    await alice.editor.expectText(/^ And Bob\.$/)
    await bob.editor.expectText(/^ And Bob\.$/)

    // A reload shows the stored document, without an empty flash.
    await bob.page.reload()
    await bob.editor.waitUntilLive()
    await bob.editor.expectText(/^ And Bob\.$/)
  })

  test('a user with two tabs open appears once in the people list', async ({ team, actor }) => {
    const { alice, bob } = await team({ alice: 'owner', bob: { role: 'viewer', open: false } })

    const aliceAgain = await actor.secondTab(alice)
    await aliceAgain.open(alice.documentId)
    await bob.open()

    await expect(bob.editor.peopleList.getByRole('listitem')).toHaveCount(2)
    await expect(bob.editor.peopleList.getByRole('listitem').filter({ hasText: alice.name })).toHaveCount(1)
    await expect(alice.editor.peopleList.getByRole('listitem')).toHaveCount(2)
  })
})
