// Comments anchored to text that keeps moving (issue 16), with real browsers,
// the real sync server and web app: threads, replies, resolve/reopen, live in
// every open editor, and a commenter who may comment but not edit.
import { expect, expectConverged, test } from './kit'

// proves: COMMENTS-11, COMMENTS-12, COMMENTS-13, COMMENTS-14, COMMENTS-15, COMMENTS-16
test('a thread stays on its words while others type, reaches everyone live, and respects each role', async ({ team }) => {
  const { alice, bob, carol, vera } = await team({ alice: 'owner', bob: 'editor', carol: 'commenter', vera: 'viewer' })
  await alice.editor.typeAtEnd('The quick brown fox jumps over the dog.')
  await expectConverged([alice, bob, carol, vera])

  await alice.editor.select('quick brown fox')
  await alice.comments.commentOnSelection('quick brown fox', 'Is this the right animal?')
  for (const someone of [alice, carol, vera]) {
    await expect.poll(() => someone.comments.highlights()).toEqual(['quick brown fox'])
    await expect(someone.comments.thread('quick brown fox')).toContainText(alice.name)
  }

  // Carol, a commenter, replies; Alice sees it live. Carol's editor is read-only and she has no formatting toolbar.
  await carol.comments.reply('quick brown fox', 'A fox, yes.')
  await expect(alice.comments.thread('quick brown fox')).toContainText('A fox, yes.')
  await expect(carol.editor.editor).toHaveAttribute('contenteditable', 'false')
  await expect(carol.editor.toolbar).toHaveCount(0)
  await carol.editor.editor.click()
  await carol.page.keyboard.type('zzz')
  await expect.poll(() => carol.editor.text()).toBe('The quick brown fox jumps over the dog.')

  // Bob types before the range and inside it: the thread stays on its words, with what was typed inside.
  await bob.editor.placeCaretAfter('The')
  await bob.editor.type(' big')
  await bob.editor.placeCaretAfter('quick')
  await bob.editor.type(' sly')
  await expectConverged([alice, bob, carol])
  for (const someone of [alice, bob, carol]) {
    await expect.poll(() => someone.comments.highlights()).toEqual(['quick sly brown fox'])
  }

  // Alice resolves: the highlight goes, the thread moves to "Resolved" everywhere. Carol reopens it.
  await alice.comments.thread('quick brown fox').getByRole('button', { name: 'Resolve' }).click()
  await expect(carol.comments.thread('quick brown fox', { resolved: true })).toBeVisible()
  await expect.poll(() => carol.comments.highlights()).toEqual([])
  await carol.comments.thread('quick brown fox', { resolved: true }).getByRole('button', { name: 'Reopen' }).click()
  await expect(alice.comments.thread('quick brown fox')).toBeVisible()
  await expect.poll(() => alice.comments.highlights()).toEqual(['quick sly brown fox'])

  // Vera, a viewer, reads the thread but has no Comment button, no Reply, and the API refuses her.
  await expect(vera.comments.thread('quick brown fox')).toContainText('A fox, yes.')
  await expect(vera.comments.commentButton).toHaveCount(0)
  await expect(vera.comments.thread('quick brown fox').getByRole('textbox', { name: 'Reply' })).toHaveCount(0)
  const listed = await vera.page.request.get(`/api/docs/${alice.documentId}/threads`)
  expect(listed.status()).toBe(200)
  const [thread] = (await listed.json()) as Array<{ id: string; anchor: { start: string; end: string } }>
  const refused = await vera.page.request.post(`/api/docs/${alice.documentId}/threads`, {
    data: { anchor: thread.anchor, quote: 'fox', body: 'Let me in' },
  })
  expect(refused.status()).toBe(403)
  expect((await vera.page.request.post(`/api/docs/${alice.documentId}/threads/${thread.id}/comments`, { data: { body: 'Hi' } })).status()).toBe(403)

  // Bob deletes all the commented words: the thread stays, marked, with its quote.
  await bob.editor.select('quick sly brown fox ')
  await bob.page.keyboard.press('Delete')
  await expectConverged([alice, bob, carol])
  await expect(carol.comments.thread('quick brown fox')).toContainText('The commented text was deleted')
  await expect.poll(() => carol.comments.highlights()).toEqual([])
})

// proves: COMMENTS-17
test('a mention notifies the person named, whose link opens the document on the thread', async ({ team }) => {
  const { alice, dave } = await team({ alice: 'owner', dave: { role: 'editor', open: false } })
  await alice.editor.rename('Review')
  // The notification names the document from the list's database, which has the title once the field is left.
  await expect.poll(async () => JSON.stringify(await (await alice.context.request.get('/api/documents')).json())).toContain('"title":"Review"')
  await alice.editor.typeAtEnd('Ship it on Friday.')
  await alice.editor.select('on Friday')

  await alice.comments.commentButton.click()
  const composer = alice.comments.root.getByRole('form', { name: 'New comment' })
  const field = composer.getByRole('textbox', { name: 'Comment' })
  await field.fill('Can you check this, ')
  await field.pressSequentially('@Dav')
  await alice.page.getByRole('option', { name: dave.name }).click()
  await expect(field).toHaveValue(`Can you check this, @${dave.name} `)
  await composer.getByRole('button', { name: 'Post' }).click()
  await expect(alice.comments.thread('on Friday')).toContainText(`@${dave.name}`)

  await dave.home.goto()
  const bell = dave.page.getByRole('button', { name: /^Notifications/ })
  await bell.click()
  const mention = dave.page.getByRole('region', { name: 'Notifications' }).getByRole('link', { name: `${alice.name} mentioned you in a comment on “Review”` })
  await mention.click()
  await dave.editor.waitUntilLive()
  expect(new URL(dave.page.url()).searchParams.get('thread')).toBeTruthy()
  await expect(dave.comments.thread('on Friday')).toHaveAttribute('aria-current', 'true')
  await expect(dave.comments.thread('on Friday')).toBeInViewport()
})

// proves: COMMENTS-20
test('a paste of two paragraphs inside the commented words keeps the thread on them, live and after a reload', async ({ team }) => {
  const { alice, bob } = await team({ alice: 'owner', bob: 'editor' })
  await alice.editor.typeAtEnd('The quick brown fox jumps.')
  await expectConverged([alice, bob])
  await alice.editor.select('quick brown fox')
  await alice.comments.commentOnSelection('quick brown fox', 'Which fox?')
  await expect.poll(() => bob.comments.highlights()).toEqual(['quick brown fox'])

  // Bob pastes two paragraphs inside the words: ProseMirror splits the paragraph, y-prosemirror rewrites what follows.
  await bob.editor.placeCaretAfter('quick')
  await bob.editor.editor.evaluate((element) => {
    const data = new DataTransfer()
    data.setData('text/html', '<p>one</p><p>two</p>')
    data.setData('text/plain', 'one\n\ntwo')
    element.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
  })
  await expectConverged([alice, bob])
  await expect.poll(() => bob.editor.text()).toContain('two brown fox')
  for (const someone of [alice, bob]) {
    await expect.poll(() => someone.comments.highlights()).toEqual(['quickonetwo brown fox'])
  }
  // The server has the new anchor: a fresh load finds the words too.
  await alice.reload()
  await expect.poll(() => alice.comments.highlights()).toEqual(['quickonetwo brown fox'])
})

// proves: COMMENTS-21
test('on a wide screen each thread card sits beside its text and moves down with it', async ({ team }) => {
  const { alice } = await team({ alice: 'owner' })
  await alice.page.setViewportSize({ width: 1400, height: 900 })
  await alice.editor.typeAtEnd('Opening paragraph.')
  for (let n = 2; n <= 24; n++) {
    const words = n === 3 ? 'The alpha words are here.' : n === 22 ? 'The omega words are here.' : `Filler paragraph ${n}.`
    await alice.editor.typeNewParagraph(words)
  }
  await alice.editor.select('alpha words')
  await alice.comments.commentOnSelection('alpha words', 'First thought.')
  await alice.editor.select('omega words')
  await alice.comments.commentOnSelection('omega words', 'Second thought.')

  const cards = { alpha: alice.comments.thread('alpha words'), omega: alice.comments.thread('omega words') }
  const tops = async (card: typeof cards.alpha) => {
    const id = ((await card.getAttribute('id')) ?? '').replace(/^thread-/, '')
    const cardBox = await card.boundingBox()
    const markBox = await alice.page.locator(`[data-comment-thread="${id}"]`).first().boundingBox()
    return { card: cardBox?.y ?? Number.NaN, text: markBox?.y ?? Number.NaN, bottom: (cardBox?.y ?? Number.NaN) + (cardBox?.height ?? Number.NaN) }
  }
  const expectAligned = async () => {
    for (const card of [cards.alpha, cards.omega]) {
      await expect.poll(async () => {
        const { card: top, text } = await tops(card)
        return Math.abs(top - text)
      }).toBeLessThanOrEqual(4)
    }
    const [alpha, omega] = [await tops(cards.alpha), await tops(cards.omega)]
    expect(alpha.bottom).toBeLessThanOrEqual(omega.card)
    return { alpha: alpha.text, omega: omega.text }
  }

  const before = await expectAligned()
  // Keyboard and screen-reader order is still the text order.
  await expect(alice.comments.open.getByRole('article')).toHaveText([/alpha words/, /omega words/])

  // New paragraphs above the first thread push both texts down; their cards follow.
  await alice.editor.placeCaretAfter('Opening paragraph.')
  for (let n = 1; n <= 5; n++) {
    await alice.page.keyboard.press('Enter')
    await alice.editor.type(`Inserted paragraph ${n}.`)
  }
  await expect.poll(async () => (await tops(cards.alpha)).text).toBeGreaterThan(before.alpha + 100)
  const after = await expectAligned()
  expect(after.omega).toBeGreaterThan(before.omega + 100)

  // A thread on the next line collides with the omega card and is pushed below it, until the caret
  // goes into its text: then it is the active one, at its line, and the omega card moves up out of its way.
  await alice.editor.select('Filler paragraph 23')
  await alice.comments.commentOnSelection('Filler paragraph 23', 'Third thought.')
  const next = alice.comments.thread('Filler paragraph 23')
  await alice.editor.placeCaretAfter('The alpha')
  await expect(next).not.toHaveAttribute('aria-current', 'true')
  await expect.poll(async () => (await tops(next)).card - (await tops(next)).text).toBeGreaterThan(20)
  await alice.editor.placeCaretAfter('paragraph 23')
  await expect(next).toHaveAttribute('aria-current', 'true')
  await expect.poll(async () => Math.abs((await tops(next)).card - (await tops(next)).text)).toBeLessThanOrEqual(4)
  expect((await tops(cards.omega)).bottom).toBeLessThanOrEqual((await tops(next)).card)

  // Narrow, the panel goes under the text and the cards are a plain list again, one after the other.
  await alice.page.setViewportSize({ width: 500, height: 900 })
  await expect.poll(async () => (await tops(cards.omega)).card - (await tops(cards.alpha)).bottom).toBeLessThanOrEqual(12)
  expect((await tops(cards.omega)).card).toBeGreaterThan((await tops(cards.alpha)).bottom)
})
