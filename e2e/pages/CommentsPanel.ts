import type { Locator, Page } from '@playwright/test'
import { expect } from '../fixtures/pace'

/** The editor's comments side panel and highlights (components/editor/comments/). */
export class CommentsPanel {
  readonly root: Locator
  /** The Comment button, in the formatting toolbar (editors) or the comments toolbar (commenters). */
  readonly commentButton: Locator
  readonly open: Locator
  readonly resolved: Locator

  constructor(readonly page: Page) {
    this.root = page.getByRole('complementary', { name: 'Comments' })
    this.commentButton = page.getByRole('button', { name: 'Comment', exact: true })
    this.open = this.root.getByRole('region', { name: 'Open comments' })
    this.resolved = this.root.getByRole('region', { name: 'Resolved' })
  }

  /** The thread on `quote` (an open one unless `resolved`). */
  thread(quote: string, { resolved = false } = {}): Locator {
    return (resolved ? this.resolved : this.open).getByRole('article', { name: `Comment thread on “${quote}”` })
  }

  /** Comments the selection (select it first with EditorPage.select) and waits for the thread. */
  async commentOnSelection(quote: string, text: string) {
    await this.commentButton.click()
    const composer = this.root.getByRole('form', { name: 'New comment' })
    await composer.getByRole('textbox', { name: 'Comment' }).fill(text)
    await composer.getByRole('button', { name: 'Post' }).click()
    await expect(composer).toBeHidden()
    await expect(this.thread(quote)).toContainText(text)
  }

  async reply(quote: string, text: string) {
    const thread = this.thread(quote)
    await thread.getByRole('textbox', { name: 'Reply' }).fill(text)
    await thread.getByRole('button', { name: 'Reply' }).click()
    await expect(thread.getByRole('listitem').filter({ hasText: text })).toBeVisible()
  }

  /** The text of every highlighted (open, commented) range in the editor. */
  async highlights(): Promise<string[]> {
    const marks = this.page.locator('[data-comment-thread]')
    const byThread = new Map<string, string>()
    for (const mark of await marks.all()) {
      const id = (await mark.getAttribute('data-comment-thread')) ?? ''
      byThread.set(id, (byThread.get(id) ?? '') + (await mark.innerText()))
    }
    return [...byThread.values()]
  }
}
