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
