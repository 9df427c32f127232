import { deafenSyncServer, expect, localCopyDatabases, test, waitUntilOfflineReady } from './kit'

/**
 * Issue 12, "Privacy": local copies belong to one user on one browser, and go
 * when that user signs out or loses the document.
 */

// Stories with two or three browsers, one of them launched more than once: more than the default minute on a busy machine.
test.describe.configure({ timeout: 120_000 })

test('signing out deletes the local copies, after a warning while some edits are not on the server', async ({ persistentActor }) => {
  const { user: alice, browser } = await persistentActor('Alice')
  const server = await deafenSyncServer(await browser.open())
  const documentId = await alice.home.newDocument()
  await alice.editor.waitUntilLive()
  await alice.editor.rename('Field notes')
  await alice.editor.waitUntilSaved()

  server.deaf = true
  await alice.editor.typeAtEnd('Unsent observation.')
  await expect(alice.editor.status).toHaveText('Connected · saving…')
  await alice.page.getByRole('link', { name: 'Tandem' }).click()
  await expect(alice.home.heading).toBeVisible()
  await expect(alice.home.availableOffline('Field notes')).toBeVisible()

  // Edits waiting for the server: sign-out warns and names the document; she chooses to wait.
  await alice.page.getByRole('button', { name: 'Sign out' }).click()
  await expect(alice.home.signOutWarning.getByRole('list', { name: 'Documents with unsent edits' })).toHaveText('Field notes')
  await alice.home.signOutWarning.getByRole('button', { name: 'Stay signed in' }).click()
  await expect(alice.home.signOutWarning).toBeHidden()
  expect(await localCopyDatabases(alice.page)).toHaveLength(1)

  // Waiting means opening it while the server listens: the edits go out, and sign-out no longer warns.
  server.deaf = false
  await alice.open(documentId)
  await alice.editor.expectText('Unsent observation.')
  await alice.editor.waitUntilSaved()
  await alice.home.goto()
  await alice.home.signOut()
  expect(await localCopyDatabases(alice.page)).toEqual([])
  expect(await alice.page.evaluate(() => Object.keys(localStorage).filter((name) => name.startsWith('tandem:')))).toEqual([])
})

test('another person signing in on the same browser sees none of the first one’s local copies', async ({ persistentActor }) => {
  const { user: alice, browser } = await persistentActor('Alice')
  const documentId = await alice.home.newDocument()
  await alice.editor.waitUntilLive()
  await alice.editor.rename('Alice’s diary')
  await alice.editor.typeAtEnd('Private entry.')
  await alice.editor.waitUntilSaved()
  // Her session ends without a sign-out (it expired, say): her copy stays on this browser.
  await alice.context.clearCookies()
  const [aliceCopy] = await localCopyDatabases(alice.page)
  expect(aliceCopy).toContain(documentId)

  const bob = await browser.signUp('Bob')
  await expect(bob.home.list).toHaveCount(0) // no documents of his, and none of hers
  await bob.editor.goto(documentId)
  await expect(bob.page.getByRole('heading', { name: 'No access' })).toBeVisible()
  await expect(bob.editor.editor).toHaveCount(0)
  // His visit neither read nor removed her copy, and made none of his own.
  expect(await localCopyDatabases(bob.page)).toEqual([aliceCopy])

  // Offline, the browser lists and opens only his copies: none.
  await bob.home.goto()
  await waitUntilOfflineReady(bob.page)
  await bob.context.setOffline(true)
  // As in offline-open.spec.ts: a restarted service worker may miss setOffline, a route does not.
  await bob.context.route('**/*', (route) => route.abort('internetdisconnected'))
  await bob.page.goto('/')
  await expect(bob.page.getByRole('note')).toContainText('You’re offline')
  await expect(bob.page.getByText('No documents are available offline on this device yet.')).toBeVisible()
  await bob.page.goto(`/d/${documentId}`)
  await expect(bob.page.getByRole('heading', { name: 'Not available offline' })).toBeVisible()
  await expect(bob.editor.editor).toHaveCount(0)
})

test('losing access removes the local copy, and its unsent edits are never applied', async ({ team, persistentActor }) => {
  const { alice } = await team({ alice: 'owner' })
  const { user: eddie } = await persistentActor('Eddie')
  const share = await alice.editor.openShareDialog()
  await share.invite(eddie.email, 'Editor')
  await share.close()
  await alice.editor.typeAtEnd('Shared plan.')
  await eddie.open(alice.documentId)
  await eddie.editor.expectText('Shared plan.')

  await eddie.network.goOffline()
  await eddie.editor.waitForStatus('offline', 5_000)
  await eddie.editor.typeAtEnd(' Eddie’s unsent change.')
  await alice.setRole(eddie, 'none')

  await eddie.network.goOnline()
  await expect(eddie.page.getByRole('alert').filter({ hasText: 'Your access to this document was removed' })).toBeVisible()
  await expect.poll(() => localCopyDatabases(eddie.page)).toEqual([])

  // Invited back, he starts from the server's version: his change from before is gone for good.
  const again = await alice.editor.openShareDialog()
  await again.invite(eddie.email, 'Editor')
  await again.close()
  await eddie.open(alice.documentId)
  await eddie.editor.expectText('Shared plan.')
  expect(await eddie.editor.text()).toBe('Shared plan.')
  await alice.reload()
  expect(await alice.editor.text()).toBe('Shared plan.')
})
