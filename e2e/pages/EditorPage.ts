import { expect, type Locator, type Page } from '@playwright/test'
import { ShareDialog } from './ShareDialog'

/** `/d/<id>`: the editor, its header and its dialogs. */
export class EditorPage {
  readonly editor: Locator
  readonly title: Locator
  readonly status: Locator
  readonly people: Locator
  readonly share: ShareDialog

  constructor(readonly page: Page) {
    this.editor = page.getByRole('textbox', { name: 'Document editor' })
    this.title = page.getByLabel('Document title')
    this.status = page.getByRole('status')
    this.people = page.getByRole('list', { name: 'People in this document' })
    this.share = new ShareDialog(page)
  }

  async goto(documentId: string) {
    await this.page.goto(`/d/${documentId}`)
  }

  get documentId(): string {
    return new URL(this.page.url()).pathname.split('/').pop()!
  }

  /** Waits until the document is live: connected to the sync server, content received. */
  async waitUntilLive() {
    await expect(this.status).toHaveAttribute('data-sync-status', /^(connected|saved)$/, { timeout: 15_000 })
    await expect(this.editor).toBeVisible()
  }

  /** Waits until the server has stored every edit made here (the contract's saved acknowledgement). */
  async waitUntilSaved() {
    await expect(this.status).toHaveAttribute('data-sync-status', 'saved', { timeout: 15_000 })
  }

  /** Types at the end of the document. */
  async typeAtEnd(text: string) {
    await this.editor.click()
    await this.page.keyboard.press('Control+End')
    await this.page.keyboard.type(text)
  }

  /**
   * The document's text without other people's caret labels, which live
   * inside the contenteditable (STACK.md, pitfall 8).
   */
  async text(): Promise<string> {
    return this.editor.evaluate((element) => {
      const clone = element.cloneNode(true) as HTMLElement
      clone.querySelectorAll('.collaboration-carets__caret').forEach((caret) => caret.remove())
      return clone.textContent ?? ''
    })
  }

  async expectText(expected: string | RegExp) {
    await expect.poll(() => this.text(), { timeout: 10_000 }).toEqual(typeof expected === 'string' ? expect.stringContaining(expected) : expect.stringMatching(expected))
  }

  /** Another user's caret label, with their name. */
  caretLabel(name: string): Locator {
    return this.editor.locator('.collaboration-carets__label', { hasText: name })
  }

  async rename(title: string) {
    await this.title.fill(title)
    await this.title.press('Enter')
  }

  async openShareDialog(): Promise<ShareDialog> {
    await this.page.getByRole('button', { name: 'Share' }).click()
    await expect(this.share.root).toBeVisible()
    await expect(this.share.root.getByRole('list', { name: 'People with access' })).toBeVisible()
    return this.share
  }

  async deleteDocument() {
    await this.page.getByRole('button', { name: 'Delete', exact: true }).click()
    await this.page.getByRole('alertdialog').getByRole('button', { name: 'Confirm deletion' }).click()
    await this.page.waitForURL((url) => url.pathname === '/')
  }
}
