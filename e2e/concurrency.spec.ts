import { expect, expectConverged, test } from './kit'

/** Only the characters of one kind: each user types from their own set, so their share of the result can be read back exactly. */
const only = (text: string, kind: RegExp) => [...text].filter((char) => kind.test(char)).join('')

test.describe('typing at once', () => {
  test('three users type into the same paragraph at the same time; all converge and nothing is lost', async ({ team, syncApi }) => {
    // Bob is on a slow link, so his edits cross the others' in flight.
    const { alice, bob, carol } = await team({ alice: 'owner', bob: { role: 'editor', latencyMs: 150 }, carol: 'editor' })
    // No letters or digits in the seed, so each user's share below is exactly theirs.
    await alice.editor.typeAtEnd('>>> <<<')
    await expectConverged([alice, bob, carol])

    const typed = {
      alice: 'thequickbrownfoxjumpsoverthelazydog',
      bob: 'PACKMYBOXWITHFIVEDOZENLIQUORJUGS',
      carol: '31415926535897932384626433832795',
    }
    // Everyone puts the caret at the same spot, then all type at once.
    for (const user of [alice, bob, carol]) await user.editor.placeCaretAfter('>>> ')
    await Promise.all([
      alice.editor.type(typed.alice, { delayMs: 30 }),
      bob.editor.type(typed.bob, { delayMs: 30 }),
      carol.editor.type(typed.carol, { delayMs: 30 }),
    ])

    const [paragraph, ...rest] = await expectConverged([alice, bob, carol])
    expect(rest, 'still one paragraph').toEqual([])
    expect(paragraph.startsWith('>>> ') && paragraph.endsWith('<<<')).toBe(true)
    // Each user's characters are all there, in the order they were typed.
    expect(only(paragraph, /[a-z]/)).toBe(typed.alice)
    expect(only(paragraph, /[A-Z]/)).toBe(typed.bob)
    expect(only(paragraph, /\d/)).toBe(typed.carol)

    // And the server stored exactly that.
    await Promise.all([alice, bob, carol].map((user) => user.editor.waitUntilSaved()))
    expect(await syncApi.getBlocks(alice.documentId!)).toEqual([paragraph])
  })
})

test('undo takes back only one’s own changes while others type', async ({ team }) => {
  const { alice, bob } = await team({ alice: 'owner', bob: 'editor' })
  await alice.editor.typeAtEnd('Alice: first thought.')
  await bob.editor.expectText('first thought.')
  await bob.editor.typeNewParagraph('Bob:')
  await alice.editor.expectText('Bob:')
  // Undo merges edits less than 500 ms apart (the Yjs UndoManager's capture timeout); a person pauses longer between thoughts.
  await alice.page.waitForTimeout(600)

  // Bob types all along in his paragraph.
  const bobsRest = ' typing steadily while Alice changes her mind twice.'
  const bobTyping = bob.editor.type(bobsRest, { delayMs: 40 })
  await alice.editor.placeCaretAfter('first thought.')
  await alice.editor.type(' Second thought.')
  await expect.poll(async () => (await bob.editor.blocks())[0]).toBe('Alice: first thought. Second thought.')

  // Undo until her second thought is gone. Yjs may split one burst of typing into several undo steps
  // (others' edits arriving, a busy machine), so this goes step by step; each step only ever removes her own text.
  const first = 'Alice: first thought.'
  const firstAndSecond = 'Alice: first thought. Second thought.'
  const firstBlock = (blocks: string[]) => blocks[0]
  await alice.editor.undoUntil(
    (blocks) => firstBlock(blocks) === first,
    (blocks) => firstBlock(blocks).startsWith(first) && firstAndSecond.startsWith(firstBlock(blocks)),
  )
  for (const user of [alice, bob]) await expect.poll(async () => (await user.editor.blocks())[0]).toBe(first)
  // Undo on: her first thought goes too (with the paragraph her typing created); Bob's stays. Each step
  // leaves a shorter start of her first thought, until Bob's paragraph is the first.
  await alice.editor.undoUntil(
    (blocks) => /^Bob:/.test(firstBlock(blocks)),
    (blocks) => first.startsWith(firstBlock(blocks)),
  )
  for (const user of [alice, bob]) await expect.poll(async () => (await user.editor.blocks())[0]).toMatch(/^Bob:/)
  // Redo brings her first thought back, step by step, and stops short of the second.
  await alice.editor.redoUntil(
    (blocks) => firstBlock(blocks) === first,
    (blocks) => /^Bob:/.test(firstBlock(blocks)) || first.startsWith(firstBlock(blocks)),
  )
  for (const user of [alice, bob]) await expect.poll(async () => (await user.editor.blocks())[0]).toBe(first)

  // Bob's paragraph was never touched: all of it is there, for both.
  await bobTyping
  const blocks = await expectConverged([alice, bob])
  expect(blocks).toEqual(['Alice: first thought.', 'Bob:' + bobsRest])
})
