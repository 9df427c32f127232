import { expect, test, waitUntilOfflineReady } from './kit'

/**
 * Issue 12, "Opening while offline": the service worker serves the cached
 * offline shell when the server cannot be reached, and the shell shows what
 * this browser keeps: the document list, the editor on a local copy, or a
 * plain "needs the network".
 */

// A browser launched twice and another user's: more than the default minute on a busy machine.
test.describe.configure({ timeout: 120_000 })

test('a document opened before opens without a network, takes edits, and reaches everyone once online', async ({ team, persistentActor }) => {
  const { alice } = await team({ alice: 'owner' })
  await alice.editor.rename('Trip plan')
  const { user: dana, browser } = await persistentActor('Dana')
  const share = await alice.editor.openShareDialog()
  await share.invite(dana.email, 'Editor')
  await share.close()
  await alice.editor.typeAtEnd('Written online.')
  const documentId = alice.documentId!
  await dana.open(documentId)
  await dana.editor.expectText('Written online.')
  await waitUntilOfflineReady(dana.page)
  await browser.close()

  // The browser starts again with no network at all. setOffline alone may not reach a service
  // worker that Chromium restarts after idling, so every request to the app is also refused.
  const context = await browser.open()
  await context.setOffline(true)
  await context.route('**/*', (route) => route.abort('internetdisconnected'))
  const offline = await browser.tabFor(dana)
  await offline.home.goto()
  await expect(offline.page.getByRole('note')).toContainText('You’re offline')
  await expect(offline.home.availableOffline('Trip plan')).toBeVisible()
  await offline.home.documentLink('Trip plan').click()
  await offline.page.waitForURL(`**/d/${documentId}`)
  await offline.editor.waitForStatus('offline')
  await offline.editor.expectText('Written online.')
  await offline.editor.typeAtEnd(' Written with no network.')
  await expect(offline.editor.status).toHaveText('Offline · saved on this device')

  // Pages that only the server can make say so.
  await offline.page.goto('/signin')
  await expect(offline.page.getByRole('heading', { name: 'This page needs the network' })).toBeVisible()

  // Reopened offline, the edit is still there; online, it reaches the server and Alice.
  await offline.page.goto(`/d/${documentId}`)
  await offline.editor.expectText('Written online. Written with no network.')
  await context.unrouteAll()
  await context.setOffline(false)
  await offline.editor.waitUntilSaved()
  await alice.editor.expectText('Written online. Written with no network.')
  await alice.editor.typeAtEnd(' Alice again.')
  await offline.editor.expectText('Written online. Written with no network. Alice again.')
})
