import * as Y from 'yjs'
import { connectYjsClient, expect, expectConverged, fetchTokenAs, paced, test } from './kit'

test.describe('who may change the document', () => {
  test('a viewer cannot change the text even by forcing the editor; the server refuses it', async ({ team, syncApi, syncServer }) => {
    const { alice, vera } = await team({ alice: 'owner', vera: { role: 'viewer', open: false } })
    // Count the document updates Vera's page sends (y-protocols: message 0 "sync", then 2 "update").
    let updatesSent = 0
    vera.page.on('websocket', (socket) =>
      socket.on('framesent', ({ payload }) => {
        if (typeof payload !== 'string' && payload[0] === 0 && payload[1] === 2) updatesSent += 1
      }),
    )
    await alice.editor.typeAtEnd('Only Alice writes here.')
    await vera.open()
    await vera.editor.expectText('Only Alice writes here.')
    await expect(vera.editor.editor).toHaveAttribute('contenteditable', 'false')

    // Vera forces the editor open and writes in every way a page script can.
    await vera.editor.editor.evaluate((element) => element.setAttribute('contenteditable', 'true'))
    await vera.editor.placeCaretAfter('Only')
    await vera.editor.type(' VERA-TYPED')
    await vera.editor.editor.evaluate((element) => {
      ;(element as HTMLElement).focus()
      document.execCommand('insertText', false, ' VERA-EXEC')
      element.dispatchEvent(new InputEvent('beforeinput', { inputType: 'insertText', data: ' VERA-EVENT', bubbles: true, cancelable: true }))
      element.dispatchEvent(new InputEvent('input', { inputType: 'insertText', data: ' VERA-EVENT', bubbles: true }))
    })
    // Her reload sends anything still queued on her socket before it closes, and shows what the server has.
    await vera.reload()
    await expect.poll(() => vera.editor.text()).toBe('Only Alice writes here.')
    // Her page never even sent a document update.
    expect(updatesSent).toBe(0)

    // Past the page: a stock Yjs client with Vera's own (read) token writes anyway, and the server drops it.
    const { body } = await fetchTokenAs(vera.context.request, vera.documentId!)
    expect(body?.access).toBe('read')
    const client = await connectYjsClient(syncServer, vera.documentId!, body!.token)
    try {
      const paragraph = new Y.XmlElement('paragraph')
      paragraph.insert(0, [new Y.XmlText('VERA-CLIENT')])
      client.doc.getXmlFragment('default').insert(0, [paragraph])

      // Alice keeps writing; her edits reach Vera, Vera's never reach anyone.
      await alice.editor.typeAtEnd(' Still Alice.')
      await alice.editor.waitUntilSaved()
      // The stock client hears Alice's edit after its own write went out: the server has seen both by now.
      await expect.poll(() => client.doc.getXmlFragment('default').toString()).toContain('Still Alice.')
    } finally {
      client.destroy()
    }
    const blocks = await expectConverged([alice, vera])
    expect(blocks).toEqual(['Only Alice writes here. Still Alice.'])
    expect(await syncApi.getBlocks(alice.documentId!)).toEqual(blocks)
    await alice.reload()
    expect(await alice.editor.blocks()).toEqual(blocks)
  })

  test('an editor downgraded to viewer while typing stops editing within seconds; a removed user loses the document', async ({ team }) => {
    const { alice, eddie } = await team({ alice: 'owner', eddie: 'editor' })
    const line = 'Eddie types and types, and at some point in this sentence his role changes under his fingers.'
    await eddie.editor.editor.click()
    const typing = eddie.editor.type(line, { delayMs: 60 })
    await alice.editor.expectText(line.slice(0, 10))

    await alice.setRole(eddie, 'viewer')
    const downgradedAt = Date.now()
    await expect(eddie.editor.editor).toHaveAttribute('contenteditable', 'false', { timeout: paced(5_000) })
    await expect(eddie.page.getByText('Read-only')).toBeVisible()
    expect(Date.now() - downgradedAt).toBeLessThan(5_000)
    await typing

    // What Alice has is what Eddie typed before the change, and no more: the rest was refused.
    const [accepted] = await alice.editor.blocks()
    expect(line.startsWith(accepted)).toBe(true)
    expect(accepted.length).toBeLessThan(line.length)
    // Eddie's reload shows the server's version, which is Alice's.
    await eddie.reload()
    await expectConverged([alice, eddie])
    await expect(eddie.editor.editor).toHaveAttribute('contenteditable', 'false')

    // Removed: his open editor is closed and says why; a reload shows he has no access.
    await alice.setRole(eddie, 'none')
    await eddie.editor.waitForStatus('closed', 5_000)
    await expect(eddie.page.getByRole('alert').filter({ hasText: 'Your access to this document was removed' })).toBeVisible()
    await eddie.page.reload()
    await expect(eddie.page.getByRole('heading', { name: 'No access' })).toBeVisible()
  })
})
