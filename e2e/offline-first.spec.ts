import { deafenSyncServer, expect, expectConverged, test } from './kit'

/**
 * Issue 12: edits survive a closed browser, a reload and a lost network,
 * because each user's browser keeps a local copy of every document it opens
 * (IndexedDB). These run in browser profiles on disk (`persistentActor`), so
 * closing the browser keeps what a real one keeps.
 */

// Stories with two or three browsers, one of them launched more than once: more than the default minute on a busy machine.
test.describe.configure({ timeout: 120_000 })

test('typed offline, browser closed, reopened online: the text is there and reaches the server', async ({ persistentActor, actor }) => {
  const { user: alice, browser } = await persistentActor('Alice')
  const bob = await actor('Bob')
  const documentId = await alice.home.newDocument()
  await alice.editor.waitUntilLive()
  const share = await alice.editor.openShareDialog()
  await share.invite(bob.email, 'Viewer')
  await share.close()
  await alice.editor.typeAtEnd('Before the tunnel. ')
  await bob.open(documentId)
  await bob.editor.expectText('Before the tunnel. ')

  await alice.network.goOffline()
  await alice.editor.waitForStatus('offline', 5_000)
  await alice.editor.typeAtEnd('Typed in the tunnel.')
  await expect(alice.editor.status).toHaveText('Offline · saved on this device')
  await browser.close()
  // The sentence exists only on Alice's disk now.
  expect(await bob.editor.text()).toBe('Before the tunnel. ')

  const aliceAgain = await browser.tabFor(alice)
  await aliceAgain.open(documentId)
  await aliceAgain.editor.expectText('Before the tunnel. Typed in the tunnel.')
  await aliceAgain.editor.waitUntilSaved()
  await expect(aliceAgain.editor.status).toHaveText('Connected · all changes saved')
  // Saved means on the server: Bob sees it, and so does a fresh page of his.
  await bob.editor.expectText('Before the tunnel. Typed in the tunnel.')
  await bob.reload()
  await bob.editor.expectText('Before the tunnel. Typed in the tunnel.')
})

test('a reload while "saving…" loses nothing: the local copy sends it once the server listens', async ({ persistentActor, team }) => {
  const { alice: owner, bob } = await team({ alice: 'owner', bob: 'editor' }, { open: false })
  const { user: carol, browser } = await persistentActor('Carol')
  await owner.editor.openShareDialog().then(async (share) => {
    await share.invite(carol.email, 'Editor')
    await share.close()
  })
  const documentId = owner.documentId!
  const context = await browser.open()
  const server = await deafenSyncServer(context)
  await carol.open(documentId)

  server.deaf = true
  await carol.editor.typeAtEnd('Written just before the reload.')
  await carol.editor.waitForStatus('connected')
  await expect(carol.editor.status).toHaveText('Connected · saving…')
  // The reload comes once the keystrokes are in the editor and the local copy has them: a page cannot
  // make IndexedDB finish a write once it unloads, so the last few milliseconds of typing before an
  // instant reload are the one window this does not cover (a person gets the "Leave site?" prompt first).
  await carol.editor.expectText('Written just before the reload.')
  await expect(carol.editor.status).toHaveAttribute('data-local-copy', 'written')
  await expect(carol.editor.status).toHaveText('Connected · saving…')
  server.deaf = false
  await carol.reload()

  await carol.editor.expectText('Written just before the reload.')
  await carol.editor.waitUntilSaved()
  await bob.open(documentId)
  await bob.editor.expectText('Written just before the reload.')
})

test('leaving asks "Leave site?" while edits are not on the server, and not once they are', async ({ persistentActor }) => {
  const { user: alice, browser } = await persistentActor('Alice')
  const server = await deafenSyncServer(await browser.open())
  await alice.home.newDocument()
  await alice.editor.waitUntilLive()

  server.deaf = true
  await alice.editor.typeAtEnd('Not on the server yet.')
  await expect(alice.editor.status).toHaveText('Connected · saving…')
  // As above: the reload comes once the local copy has every keystroke (the prompt is what covers the last milliseconds).
  await alice.editor.expectText('Not on the server yet.')
  await expect(alice.editor.status).toHaveAttribute('data-local-copy', 'written')
  server.deaf = false
  await alice.reload()
  expect(alice.leavePrompts).toBe(1)

  await alice.editor.waitUntilSaved()
  await alice.editor.typeAtEnd(' Saved now.') // typing again: Chromium prompts only on pages the user interacted with
  await alice.editor.waitUntilSaved()
  await alice.reload()
  expect(alice.leavePrompts).toBe(1)
  await alice.editor.expectText('Not on the server yet. Saved now.')
})

test('two tabs of one user agree at once while offline, and everyone converges once online', async ({ persistentActor, team }) => {
  const { alice: owner } = await team({ alice: 'owner' })
  const { user: dana, browser } = await persistentActor('Dana')
  const share = await owner.editor.openShareDialog()
  await share.invite(dana.email, 'Editor')
  await share.close()
  const documentId = owner.documentId!
  await dana.open(documentId)
  const danaTab2 = await browser.tabFor(dana, 'new')
  await danaTab2.open(documentId)

  await dana.network.goOffline() // the whole browser: both tabs
  await dana.editor.waitForStatus('offline', 5_000)
  await danaTab2.editor.waitForStatus('offline', 5_000)
  await dana.editor.typeAtEnd('First tab, offline. ')
  await danaTab2.editor.expectText('First tab, offline. ')
  await danaTab2.editor.typeAtEnd('Second tab, offline.')
  await dana.editor.expectText('First tab, offline. Second tab, offline.')
  expect(await owner.editor.text()).toBe('')

  await dana.network.goOnline()
  await expectConverged([owner, dana, danaTab2])
  await owner.editor.expectText('First tab, offline. Second tab, offline.')
  await dana.editor.waitUntilSaved()
  await danaTab2.editor.waitUntilSaved()
})
