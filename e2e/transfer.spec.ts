import { readFileSync } from 'node:fs'
import { request as playwrightRequest } from '@playwright/test'
import mammoth from 'mammoth'
import { expect, paced, test } from './kit'
import { DocumentTransfer } from './pages/DocumentTransfer'

// Search is fed by the sync server's edit reports: this spec's servers send them, as `npm start` wires them.
test.use({ editReports: true })

test('Export downloads the stored document as Markdown and Word, and a token reads it until revoked', async ({ team, baseURL }) => {
  const { alice } = await team({ alice: 'owner' })
  await alice.editor.editor.click()
  // Tiptap's input rules: "# " starts a heading, "[x] " a checked task.
  await alice.editor.type('# Trip plan')
  await alice.page.keyboard.press('Enter')
  await alice.editor.type('Pack the tent')
  await alice.page.keyboard.press('Enter')
  await alice.editor.type('[x] book the ferry')
  await alice.editor.waitUntilSaved()
  const documentId = alice.editor.documentId

  const transfer = new DocumentTransfer(alice.page)
  const markdown = await transfer.export(/Markdown/)
  expect(markdown.suggestedFilename()).toMatch(/\.md$/)
  const markdownText = readFileSync(await markdown.path(), 'utf8')
  expect(markdownText).toBe('# Trip plan\n\nPack the tent\n\n- [x] book the ferry\n')

  const word = await transfer.export(/Word/)
  const { value: html } = await mammoth.convertToHtml({ path: await word.path() })
  expect(html).toContain('<h1>Trip plan</h1>')
  expect(html).toContain('Pack the tent')

  // The same export for a script, with a read-only personal access token.
  const token = await transfer.createToken('e2e script')
  const script = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } })
  try {
    const exported = await script.get(`/api/docs/${documentId}/export?format=md`)
    expect(exported.status()).toBe(200)
    expect(exported.headers()['content-type']).toBe('text/markdown; charset=utf-8')
    expect(exported.headers()['content-disposition']).toMatch(/^attachment; filename=".+\.md"; filename\*=UTF-8''/)
    expect(await exported.text()).toBe(markdownText)
    expect((await script.get(`/api/docs/${documentId}/export?format=pdf`)).status()).toBe(400)
    expect((await script.get('/api/docs/AAAAAAAAAAAAAAAA/export?format=md')).status()).toBe(404)
    const listed = (await (await script.get('/api/docs')).json()) as { documents: { id: string }[] }
    expect(listed.documents.map((doc) => doc.id)).toContain(documentId)
    // Read-only: it may not create.
    expect((await script.post('/api/docs', { data: { title: 'From a script', markdown: '# Hi' } })).status()).toBe(403)

    await transfer.revokeToken('e2e script')
    expect((await script.get(`/api/docs/${documentId}/export?format=md`)).status()).toBe(401)
  } finally {
    await script.dispose()
  }
})

test('Files dropped onto the document list become documents; an unreadable one is named and nothing is made of it', async ({ actor }) => {
  const ada = await actor('Ada')
  await ada.home.goto()
  const transfer = new DocumentTransfer(ada.page)
  await transfer.dropFiles([
    { name: 'notes.md', mimeType: 'text/markdown', content: '# Imported notes\n\nHello **world**, from a file.\n\n- [ ] reply\n' },
    { name: 'broken.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', content: 'not a zip' },
  ])
  await expect(ada.page.getByRole('alert').filter({ hasText: 'not imported' })).toContainText('broken.docx is not a Word document that can be read')
  await expect(ada.page.getByRole('status').filter({ hasText: 'Imported:' })).toContainText('Imported notes')
  await expect(ada.home.documentLink('Imported notes')).toBeVisible()
  await expect(ada.home.list.getByRole('link')).toHaveCount(1)

  await ada.home.documentLink('Imported notes').click()
  await ada.editor.waitUntilLive()
  await ada.editor.expectText(/Hello world, from a file\./)
  await expect(ada.editor.editor.locator('strong')).toHaveText('world')
  await expect(ada.editor.editor.getByRole('checkbox')).not.toBeChecked()
})

test('Alice finds the word Bob just typed with the search box, until she loses access', async ({ team }) => {
  const { bob, alice } = await team({ bob: 'owner', alice: 'editor' })
  await bob.editor.typeAtEnd('The zebracorn sleeps in the attic.')
  await bob.editor.waitUntilSaved()

  await alice.home.goto()
  const transfer = new DocumentTransfer(alice.page)
  // "/" anywhere on the list puts the cursor in the search box.
  await alice.page.locator('body').press('/')
  await expect(transfer.searchBox).toBeFocused()
  // Within 5 s of the words being stored (a quiet machine's budget, scaled to this one's pace).
  await expect(async () => {
    await transfer.searchBox.fill('')
    await transfer.searchBox.fill('zebrac')
    await expect(transfer.searchResults.locator('mark')).toHaveText(['zebracorn'], { timeout: paced(1_000) })
  }).toPass({ timeout: paced(5_000) })

  await bob.setRole(alice, 'none')
  await transfer.searchBox.fill('')
  await transfer.searchBox.fill('zebracorn')
  await expect(alice.page.getByRole('status').filter({ hasText: 'Nothing found' })).toBeVisible()
})
