import { expect, test } from './kit'

test.describe('documents', () => {
  test('"New document" creates one and opens it; the list shows it with owner and time', async ({ actor }) => {
    const alice = await actor('Alice')
    const documentId = await alice.home.newDocument()
    await alice.editor.waitUntilLive()
    await expect(alice.editor.title).toHaveValue('Untitled')
    await expect(alice.page.getByRole('button', { name: 'Share' })).toBeVisible()

    // The server renders the shell (title, status, a loading skeleton), never an empty editor.
    const html = await (await alice.context.request.get(`/d/${documentId}`)).text()
    expect(html).toContain('value="Untitled"')
    expect(html).toContain('data-sync-status="connecting"')
    expect(html).toContain('aria-busy="true"')

    await alice.home.goto()
    const row = alice.home.documentLink('Untitled')
    await expect(row).toHaveAttribute('href', `/d/${documentId}`)
    await expect(row).toContainText('You')
    await expect(row.locator('time')).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\dT/)
  })

  test('a rename is seen live by everyone in the document, and in the lists', async ({ team }) => {
    const { alice, bob } = await team({ alice: 'owner', bob: 'editor' })
    const documentId = alice.documentId!

    const title = `Plan ${documentId.slice(0, 4)}`
    await alice.editor.rename(title)
    await expect(bob.editor.title).toHaveValue(title)
    await expect(bob.page).toHaveTitle(new RegExp(title))

    await bob.home.expectListed(title, alice.name)
    await alice.home.expectListed(title)
  })

  test('the owner deletes a document after confirming; it is gone for everyone', async ({ team }) => {
    const { alice, bob } = await team({ alice: 'owner', bob: { role: 'editor', open: false } })
    await alice.editor.rename(`Doomed ${alice.documentId!.slice(0, 4)}`)
    await bob.open()
    await expect(bob.page.getByRole('button', { name: 'Delete' })).toHaveCount(0)

    // Cancelling keeps it.
    await alice.page.getByRole('button', { name: 'Delete', exact: true }).click()
    await alice.page.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click()
    await expect(alice.page.getByRole('alertdialog')).toBeHidden()

    await alice.editor.deleteDocument()
    await expect(alice.home.documentLink('Doomed')).toHaveCount(0)

    // Bob, who had it open, is told; his list no longer has it.
    await expect(bob.editor.status).toHaveAttribute('data-sync-status', 'closed')
    await expect(bob.page.getByRole('alert').filter({ hasText: 'This document was deleted' })).toBeVisible()
    await bob.home.goto()
    await expect(bob.home.documentLink('Doomed')).toHaveCount(0)
  })
})
