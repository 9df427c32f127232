import { expect, paced, test } from './kit'

test('offline: edits are kept, the status says so, and they sync when the network returns', async ({ team }) => {
  const { alice, bob } = await team({ alice: 'owner', bob: 'viewer' })

  await alice.context.setOffline(true)
  await expect(alice.editor.status).toHaveAttribute('data-sync-status', 'offline', { timeout: paced(5_000) })
  await expect(alice.editor.status).toHaveText('Offline · saved on this device')
  await alice.editor.typeAtEnd('Written on a train.')
  await alice.editor.expectText('Written on a train.')
  expect(await bob.editor.text()).toBe('')

  await alice.context.setOffline(false)
  await bob.editor.expectText('Written on a train.')
  await alice.editor.waitUntilSaved()
})
