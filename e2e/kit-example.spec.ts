// The example in README.md ("Multi-user tests with the e2e kit"), kept here so it always runs.
import { expect, expectConverged, test } from './kit'

test('what Alice types reaches everyone, even Bob on a slow link who was offline for a while', async ({ team }) => {
  // Three signed-up users in three browser contexts, on one new document.
  const { alice, bob, vera } = await team({ alice: 'owner', bob: { role: 'editor', latencyMs: 200 }, vera: 'viewer' })

  await alice.editor.typeAtEnd('Hello from Alice.')
  await bob.editor.expectText('Hello from Alice.')

  await bob.network.goOffline()
  await bob.editor.waitForStatus('offline')
  await bob.editor.typeNewParagraph('Bob wrote this offline.')
  await bob.network.goOnline()

  // Polls until all three show the same blocks, then returns them.
  const blocks = await expectConverged([alice, bob, vera])
  expect(blocks).toEqual(['Hello from Alice.', 'Bob wrote this offline.'])
  await bob.editor.waitUntilSaved()
  await expect.poll(() => vera.editor.peopleNames()).toEqual([alice.name, bob.name, vera.name].sort())
})
