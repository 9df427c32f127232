import { expect, expectConverged, test } from './kit'

/**
 * Product bugs found while writing the suite, kept as reproductions that
 * state the behaviour we want. They are skipped in normal runs (the bug shows
 * up often, but not every time, so an expected failure would be flaky); run
 * them with `E2E_KNOWN_BUGS=1 npx playwright test e2e/known-bugs.spec.ts`.
 * Once one passes reliably, move it into the suite proper.
 */
const reproduce = !!process.env.E2E_KNOWN_BUGS

test('people pressing Enter at the same spot and typing at once each keep their own paragraph', async ({ team }) => {
  test.fixme(!reproduce, 'known bug: concurrent paragraph splits at one spot can merge or double text; E2E_KNOWN_BUGS=1 to run')
  // Seen in about one round in three with three users: a caret lands in someone else's new paragraph
  // (text merged into theirs, sometimes with a character doubled) and extra empty paragraphs appear.
  // The Yjs binding (@tiptap/y-tiptap, Tiptap's y-prosemirror) maps each caret through the concurrent
  // paragraph splits; yjs/y-prosemirror#161 is the closest upstream report.
  const { alice, bob, carol } = await team({ alice: 'owner', bob: 'editor', carol: 'editor' })
  const users = [alice, bob, carol]
  const expected: string[] = ['']
  for (const round of [1, 2, 3, 4, 5, 6]) {
    const lines = [`alice writes round ${round}`, `BOB WRITES ROUND ${round}`, `carol-${round}-0123456789`]
    await Promise.all(users.map((user, index) => user.editor.typeNewParagraph(lines[index], { delayMs: 40 })))
    const blocks = await expectConverged(users)
    expected.push(...lines)
    expect([...blocks].sort(), `round ${round}`).toEqual([...expected].sort())
  }
})

test('pressing Enter at the end of a paragraph while someone types in the next one keeps both paragraphs intact', async ({ team }) => {
  test.fixme(!reproduce, 'known bug: a paragraph split next to a paragraph being typed in can move text between them; E2E_KNOWN_BUGS=1 to run')
  // Seen once in ten runs of the reload test: Alice pressed Enter after "Minutes" while Bob typed in the
  // paragraph below; the stored document became ["", "Bob types … witMinutes", "Point 1, …"]: Alice's
  // "Minutes" moved to the end of Bob's paragraph. This reproduction is weak: in three runs of its twelve
  // rounds it did not show, so a pass here does not prove a fix.
  const { alice, bob } = await team({ alice: 'owner', bob: 'editor' })
  await alice.editor.typeAtEnd('Minutes')
  await bob.editor.expectText('Minutes')
  await bob.editor.typeNewParagraph('Bob')
  await alice.editor.expectText('Bob')
  const bobsRest = ' types on and on. '.repeat(12)
  const bobTyping = bob.editor.type(bobsRest, { delayMs: 30 })
  const mine = ['Minutes']
  for (let round = 1; round <= 12; round++) {
    await alice.editor.placeCaretAfter(mine.at(-1)!)
    await alice.page.keyboard.press('Enter')
    await alice.editor.type(`Point ${round}.`)
    mine.push(`Point ${round}.`)
  }
  await bobTyping
  expect(await expectConverged([alice, bob])).toEqual([...mine, 'Bob' + bobsRest])
})
