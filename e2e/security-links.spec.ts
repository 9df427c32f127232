import * as Y from 'yjs'
import { expect, test } from './kit'
import type { Locator } from '@playwright/test'

/**
 * Link marks come from the shared document, that is, from any writer or the
 * sync server's HTTP API. This writes crafted ones straight into the Y.Doc, in
 * the shape y-prosemirror stores marks (a formatting attribute `link` on
 * Y.XmlText, its value the mark's attributes), and reads what Chromium renders.
 */

const HOSTILE = { target: '_self', rel: 'opener', class: 'pwn', style: 'position:fixed;inset:0', onmouseover: 'alert(1)', title: 'Totally safe', id: 'x' }

const CRAFTED: Array<{ text: string; href: string }> = [
  { text: 'script link', href: 'javascript:alert(document.cookie)' },
  { text: 'hidden script link', href: ' java\tscript:alert(1)' },
  { text: 'data link', href: 'data:text/html,<script>alert(1)</script>' },
  { text: 'web link', href: 'https://example.com/ok?x=1' },
  { text: 'mail link', href: 'mailto:ada@example.com' },
]

function craftedLinksUpdate(): Uint8Array {
  const doc = new Y.Doc()
  const fragment = doc.getXmlFragment('default')
  for (const { text, href } of CRAFTED) {
    const paragraph = new Y.XmlElement('paragraph')
    fragment.push([paragraph])
    const content = new Y.XmlText()
    paragraph.push([content])
    content.insert(0, text, { link: { href, ...HOSTILE } })
  }
  return Y.encodeStateAsUpdate(doc)
}

/** Every link in the editor: its text and all its attributes, as the DOM has them. */
function renderedLinks(editor: Locator) {
  return editor.locator('a').evaluateAll((links) =>
    links.map((link) => ({ text: link.textContent, attributes: Object.fromEntries([...link.attributes].map((a) => [a.name, a.value])) })),
  )
}

const EXPECTED = [
  { text: 'script link', attributes: {} },
  { text: 'hidden script link', attributes: {} },
  { text: 'data link', attributes: {} },
  { text: 'web link', attributes: { href: 'https://example.com/ok?x=1', rel: 'noopener noreferrer nofollow', target: '_blank' } },
  { text: 'mail link', attributes: { href: 'mailto:ada@example.com', rel: 'noopener noreferrer nofollow', target: '_blank' } },
]

test('a crafted link mark renders only a vetted href, with our rel and target, for everyone', async ({ team, syncApi }) => {
  const { alice, vera } = await team({ alice: 'owner', vera: 'viewer' })
  await syncApi.postUpdate(alice.documentId!, craftedLinksUpdate())

  for (const user of [alice, vera]) {
    await user.editor.expectText('mail link')
    await expect.poll(() => renderedLinks(user.editor.editor)).toEqual(EXPECTED)
  }
  // A fresh load renders the stored document the same way.
  await vera.reload()
  await vera.editor.expectText('mail link')
  expect(await renderedLinks(vera.editor.editor)).toEqual(EXPECTED)
})

test('a link made in the editor gets https when typed without a scheme, and no link at all for javascript:', async ({ team }) => {
  const { alice } = await team({ alice: 'owner' })
  await alice.editor.typeAtEnd('first second')
  const answers = ['example.com/page', 'javascript:alert(1)']
  alice.page.on('dialog', (dialog) => dialog.accept(answers.shift()))
  await alice.editor.select('first')
  await alice.page.getByRole('button', { name: 'Link' }).click()
  await alice.editor.select('second')
  await alice.page.getByRole('button', { name: 'Link' }).click()
  await expect.poll(() => renderedLinks(alice.editor.editor)).toEqual([
    { text: 'first', attributes: { href: 'https://example.com/page', rel: 'noopener noreferrer nofollow', target: '_blank' } },
  ])
})
