import { expect, test } from './kit'
import { fetchTokenAs } from './fixtures/yjsClient'

/**
 * A share link must not join on a GET: a cross-site page (an <img>, a
 * redirect, a link previewer) can make a signed-in victim's browser fetch it.
 */
test('opening or fetching a share link adds nobody; only pressing Join does', async ({ actor }) => {
  const alice = await actor('Alice')
  const documentId = await alice.home.newDocument()
  await alice.editor.waitUntilLive()
  let share = await alice.editor.openShareDialog()
  const link = await share.createLink('Editor')
  await share.close()

  const bob = await actor('Bob')
  // A plain GET with Bob's cookies, as a cross-site page would make his browser send.
  const fetched = await bob.context.request.get(link)
  expect(fetched.status()).toBe(200)
  expect(await fetched.text()).toContain('Join')
  // Visiting, and visiting again.
  await bob.page.goto(link)
  await expect(bob.page.getByRole('heading', { name: 'Join “Untitled” as editor' })).toBeVisible()
  await bob.page.reload()
  await expect(bob.page.getByRole('button', { name: 'Join' })).toBeVisible()

  // None of that gave Bob anything.
  expect((await fetchTokenAs(bob.context.request, documentId)).status).toBe(404)
  share = await alice.editor.openShareDialog()
  await expect(share.root.getByRole('list', { name: 'People with access' })).not.toContainText(bob.email)
  await share.close()

  await bob.page.getByRole('button', { name: 'Join' }).click()
  await expect(bob.page).toHaveURL(new RegExp(`/d/${documentId}$`))
  await bob.editor.waitUntilLive()
  expect((await fetchTokenAs(bob.context.request, documentId)).body?.access).toBe('write')
  share = await alice.editor.openShareDialog()
  await expect(share.root.getByRole('list', { name: 'People with access' })).toContainText(bob.email)

  // Now that Bob has the link's role, the link just opens the document.
  await bob.page.goto(link)
  await expect(bob.page).toHaveURL(new RegExp(`/d/${documentId}$`))
})
