// Where WebSockets are refused (a proxy, an antivirus), the editor goes over the
// sync server's HTTP transport (docs/sync-protocol.md, "The HTTP transport") and
// comes back to a WebSocket once one works, without losing an edit.
import { expect, expectConverged, test } from './kit'

test('Bob, whose WebSockets are refused, edits with Alice over HTTP, sees her caret, and moves back to a WebSocket when he can', async ({ team }) => {
  // Moving back waits for the background WebSocket retry (every 60 s).
  test.setTimeout(180_000)
  const { alice, bob } = await team({ alice: 'owner', bob: { role: 'editor', open: false } })

  // Every WebSocket Bob's page opens is closed before it reaches the server, until the route is lifted.
  const sockets = { refused: 0, passed: 0, refusing: true }
  await bob.page.routeWebSocket(/.*/, (ws) => {
    if (sockets.refusing) {
      sockets.refused += 1
      return ws.close()
    }
    sockets.passed += 1
    ws.connectToServer()
  })
  await bob.open()
  await bob.editor.waitUntilLive()
  await expect(bob.editor.status).toContainText('Connected · via HTTP')
  await expect(bob.editor.status).toHaveAttribute('data-transport', 'http')
  expect(sockets.refused).toBeGreaterThanOrEqual(2)
  expect(sockets.passed).toBe(0)

  await alice.editor.typeAtEnd('Alice on a WebSocket.')
  await bob.editor.expectText('Alice on a WebSocket.')
  await bob.editor.typeNewParagraph('Bob over HTTP.')
  await alice.editor.expectText('Bob over HTTP.')
  await bob.editor.waitUntilSaved()

  // Her caret, named, in his editor; and his in hers.
  await alice.editor.placeCaretAfter('Alice on')
  await expect(bob.editor.caretLabel(alice.name)).toBeVisible()
  await expect(alice.editor.caretLabel(bob.name)).toBeVisible()

  // The route is lifted: within a minute Bob is on a WebSocket again, and he types on meanwhile.
  sockets.refusing = false
  await bob.editor.typeNewParagraph('Typed while the transport changes.')
  await expect(bob.editor.status).toHaveAttribute('data-transport', 'websocket', { timeout: 90_000 })
  await bob.editor.waitUntilLive()
  await expect(bob.editor.status).not.toContainText('HTTP')
  expect(sockets.passed).toBeGreaterThanOrEqual(1)
  await bob.editor.typeNewParagraph('Back on a WebSocket.')

  const blocks = await expectConverged([alice, bob])
  expect(blocks).toEqual(['Alice on a WebSocket.', 'Bob over HTTP.', 'Typed while the transport changes.', 'Back on a WebSocket.'])
  await bob.editor.waitUntilSaved()
  // Nothing repeated: each line once, for both.
  expect(await alice.editor.blocks()).toEqual(blocks)
})
