import { expect, test } from './kit'

/**
 * The document list and the Notifications button follow sharing as it
 * happens, over GET /api/events: nobody reloads Bob's page in this test.
 */
test('Bob’s list and bell follow what Alice does, without a reload', async ({ actor }) => {
  const alice = await actor('Alice')
  const bob = await actor('Bob')
  await bob.home.goto()
  const bell = bob.page.getByRole('button', { name: /^Notifications/ })
  await expect(bell).toHaveAccessibleName('Notifications')

  const documentId = await alice.home.newDocument()
  await alice.editor.waitUntilLive()
  await alice.editor.rename('Plan')
  // The title reaches the list's database once the field is left; the share's notification names it from there.
  await expect.poll(async () => JSON.stringify(await (await alice.context.request.get('/api/documents')).json())).toContain('"title":"Plan"')
  const share = await alice.editor.openShareDialog()
  await share.invite(bob.email, 'Editor')

  // Shared: the document appears in Bob's list, and the bell counts one.
  const link = bob.page.locator(`a[href="/d/${documentId}"]`)
  await expect(link).toContainText('Plan')
  await expect(bell).toHaveAccessibleName('Notifications, 1 unread')
  await expect(bob.page.getByTestId('unread-count')).toHaveText('1')

  // Opening the list shows the notification with a link, and marks it read.
  await bell.click()
  const panel = bob.page.getByRole('region', { name: 'Notifications' })
  await expect(panel.getByRole('link', { name: `${alice.name} shared “Plan” with you as editor` })).toHaveAttribute('href', `/d/${documentId}`)
  await expect(bell).toHaveAccessibleName('Notifications')
  await bob.page.keyboard.press('Escape')

  // Renamed: Bob's row follows.
  await share.close()
  await alice.editor.rename('Plan for Q3')
  await expect(link).toContainText('Plan for Q3')

  // Removed: the row goes, and the bell says so.
  const again = await alice.editor.openShareDialog()
  await again.remove(bob.name)
  await expect(link).toHaveCount(0)
  await expect(bell).toHaveAccessibleName('Notifications, 1 unread')
  await bell.click()
  await expect(panel.getByText(`${alice.name} removed your access to “Plan for Q3”`)).toBeVisible()
  await panel.getByRole('button', { name: 'Mark all as read' }).click()
  await expect(bell).toHaveAccessibleName('Notifications')

  // It was all live: the read state survives a reload too.
  await bob.page.reload()
  await expect(bell).toHaveAccessibleName('Notifications')
  await expect(link).toHaveCount(0)
})
