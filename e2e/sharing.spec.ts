import { expect, paced, test } from './kit'
import { connectYjsClient, fetchTokenAs } from './fixtures/yjsClient'

test.describe('sharing and access', () => {
  test('a viewer can read but not type, and the server refuses their writes too', async ({ team, syncServer }) => {
    const { alice, vera } = await team({ alice: 'owner', vera: { role: 'viewer', open: false } })
    const documentId = alice.documentId!
    await alice.editor.typeAtEnd('Only Alice writes here.')

    await vera.open()
    await vera.editor.expectText('Only Alice writes here.')
    await expect(vera.page.getByText('Read-only')).toBeVisible()
    await expect(vera.editor.editor).toHaveAttribute('contenteditable', 'false')
    await expect(vera.editor.title).toHaveAttribute('readonly', '')
    await expect(vera.page.getByRole('button', { name: 'Share' })).toHaveCount(0)
    await expect(vera.page.getByRole('button', { name: 'Delete' })).toHaveCount(0)
    await vera.editor.editor.click()
    await vera.page.keyboard.type('Vera was here')
    expect(await vera.editor.text()).toBe('Only Alice writes here.')

    // Past the UI: a stock Yjs client with Vera's own (read) token writes anyway.
    const { status, body } = await fetchTokenAs(vera.context.request, documentId)
    expect(status).toBe(200)
    expect(body?.access).toBe('read')
    const client = await connectYjsClient(syncServer, documentId, body!.token)
    try {
      client.doc.getMap('meta').set('title', 'Hijacked by Vera')
      client.doc.getXmlFragment('default').insert(0, [new (await import('yjs')).XmlText('Injected text')])
      // Alice keeps typing; her edit arrives, Vera's never does.
      await alice.editor.typeAtEnd(' Still Alice.')
      await vera.editor.expectText('Only Alice writes here. Still Alice.')
      await alice.editor.waitUntilSaved()
      expect(await alice.editor.text()).not.toContain('Injected')
      await expect(alice.editor.title).not.toHaveValue('Hijacked by Vera')
    } finally {
      client.destroy()
    }
    // And nothing of it was stored.
    await alice.page.reload()
    await alice.editor.waitUntilLive()
    await alice.editor.expectText(/^Only Alice writes here\. Still Alice\.$/)
  })

  test('someone without access sees a clear "no access" page, and gets no token', async ({ actor }) => {
    const alice = await actor('Alice')
    const mallory = await actor('Mallory')
    const documentId = await alice.home.newDocument()

    await mallory.editor.goto(documentId)
    await expect(mallory.page.getByRole('heading', { name: 'No access' })).toBeVisible()
    await expect(mallory.page.getByText('You don’t have access to this document.')).toBeVisible()
    expect((await fetchTokenAs(mallory.context.request, documentId)).status).toBe(404)

    await mallory.editor.goto('no-such-document')
    await expect(mallory.page.getByRole('heading', { name: 'No access' })).toBeVisible()
  })

  test('roles take effect on open editors: downgraded to viewer, then removed', async ({ actor }) => {
    const alice = await actor('Alice')
    const eddie = await actor('Eddie')
    const documentId = await alice.home.newDocument()
    await alice.editor.waitUntilLive()
    const share = await alice.editor.openShareDialog()
    await share.invite(eddie.email, 'Editor')

    await eddie.open(documentId)
    await eddie.editor.typeAtEnd('Eddie can write.')
    await alice.editor.expectText('Eddie can write.')

    await share.changeRole(eddie.name, 'Viewer')
    await expect(eddie.page.getByText('Read-only')).toBeVisible({ timeout: paced(5_000) })
    await expect(eddie.editor.editor).toHaveAttribute('contenteditable', 'false')

    await share.remove(eddie.name)
    await expect(eddie.editor.status).toHaveAttribute('data-sync-status', 'closed', { timeout: paced(5_000) })
    await expect(eddie.page.getByRole('alert').filter({ hasText: 'Your access to this document was removed' })).toBeVisible()
    await eddie.page.reload()
    await expect(eddie.page.getByRole('heading', { name: 'No access' })).toBeVisible()
  })

  test('a share link grants its role to whoever signs in with it, until revoked', async ({ actor }) => {
    const alice = await actor('Alice')
    const documentId = await alice.home.newDocument()
    await alice.editor.waitUntilLive()
    const share = await alice.editor.openShareDialog()
    const link = await share.createLink('Editor')

    // Carol has no account yet: the link sends her to sign in, she signs up, comes back to the
    // link, which still asks, and lands in the document once she presses Join.
    const carol = await actor('Carol', { signUp: false })
    await carol.page.goto(link)
    await expect(carol.page).toHaveURL(/\/signin\?callbackUrl=%2Fs%2F/)
    await carol.page.getByRole('link', { name: 'Create an account' }).click()
    await carol.signUpPage.fill({ name: carol.name, email: carol.email, password: carol.password })
    await carol.signUpPage.submit()
    await expect(carol.page).toHaveURL(link)
    await expect(carol.page.getByRole('heading', { name: 'Join “Untitled” as editor' })).toBeVisible()
    await carol.page.getByRole('button', { name: 'Join' }).click()
    await expect(carol.page).toHaveURL(new RegExp(`/d/${documentId}$`))
    await carol.editor.waitUntilLive()
    await carol.editor.typeAtEnd('Carol joined by link.')
    await alice.editor.expectText('Carol joined by link.')

    await share.root.getByRole('button', { name: 'Revoke editor link' }).click()
    await expect(share.root.getByRole('textbox', { name: 'Editor link' })).toHaveCount(0)
    const dave = await actor('Dave')
    await dave.page.goto(link)
    await expect(dave.page.getByRole('heading', { name: 'Link not valid' })).toBeVisible()
  })
})
