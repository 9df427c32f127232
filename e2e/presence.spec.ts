import { expect, paced, test, type Actor } from './kit'

/** What `viewer` shows of everyone else: each remote caret's name, and whether its colour is the one that person wears. */
async function caretsAsSeenBy(viewer: Actor, others: Actor[]) {
  const carets = await viewer.editor.remoteCarets()
  const ownColors = await Promise.all(others.map(async (other) => (await other.editor.people()).find((person) => person.isSelf)?.color))
  return carets
    .map((caret) => ({ name: caret.name, colorIsTheirs: ownColors[others.findIndex((other) => other.name === caret.name)] === caret.color }))
    .sort((a, b) => a.name.localeCompare(b.name))
}

test('others’ carets and selections show with their names and colours; the people list follows joins and leaves', async ({ team }) => {
  // Noticing a lost network takes the awareness timeout (30 s, y-protocols): see the last step.
  test.setTimeout(120_000)
  const { alice, bob, carol, dave } = await team({ alice: 'owner', bob: 'editor', carol: 'editor', dave: { role: 'editor', open: false } })
  await alice.editor.typeAtEnd('The quick brown fox jumps over the lazy dog.')
  await bob.editor.expectText('lazy dog.')
  await carol.editor.expectText('lazy dog.')

  await bob.editor.select('brown fox')
  await carol.editor.placeCaretAfter('lazy')

  // Alice sees Bob's and Carol's carets, named, each in the colour they wear in their own people list.
  await expect
    .poll(() => caretsAsSeenBy(alice, [bob, carol]))
    .toEqual([
      { name: bob.name, colorIsTheirs: true },
      { name: carol.name, colorIsTheirs: true },
    ])
  // Bob's selection is highlighted for Alice in Bob's colour.
  const bobsColor = (await bob.editor.people()).find((person) => person.isSelf)!.color
  await expect.poll(() => alice.editor.remoteSelections()).toEqual([{ text: 'brown fox', color: bobsColor }])
  // Three people, three different colours.
  const colors = (await alice.editor.people()).map((person) => person.color)
  expect(new Set(colors).size).toBe(3)

  const everyone = (...users: Actor[]) => users.map((user) => user.name).sort()
  for (const user of [alice, bob, carol]) await expect.poll(() => user.editor.peopleNames()).toEqual(everyone(alice, bob, carol))

  // Dave joins: everyone sees him.
  await dave.open()
  for (const user of [alice, bob, carol, dave]) await expect.poll(() => user.editor.peopleNames()).toEqual(everyone(alice, bob, carol, dave))

  // Dave closes his tab: he leaves everyone's list at once.
  await dave.page.close()
  for (const user of [alice, bob, carol]) await expect.poll(() => user.editor.peopleNames(), { timeout: paced(5_000) }).toEqual(everyone(alice, bob, carol))

  // Carol loses her network: her page says so at once; the others see her leave when her presence times out.
  await carol.network.goOffline()
  await carol.editor.waitForStatus('offline', 5_000)
  for (const user of [alice, bob]) await expect.poll(() => user.editor.peopleNames(), { timeout: paced(45_000) }).toEqual(everyone(alice, bob))
  // Her caret went with her.
  await expect(alice.editor.remoteCaret(carol.name)).toHaveCount(0)

  // Back online, she is back in the list.
  await carol.network.goOnline()
  await carol.editor.waitUntilLive()
  for (const user of [alice, bob]) await expect.poll(() => user.editor.peopleNames()).toEqual(everyone(alice, bob, carol))
})
