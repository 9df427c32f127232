import type { Locator, Page } from '@playwright/test'
import { expect, paced } from '../fixtures/pace'

/** `/`: the document list. */
export class HomePage {
  readonly heading: Locator
  readonly list: Locator

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Documents' })
    this.list = page.getByRole('list', { name: 'Documents' })
  }

  async goto() {
    await this.page.goto('/')
    await expect(this.heading).toBeVisible()
  }

  /** Clicks "New document" and returns the new document's id once its editor page is open. */
  async newDocument(): Promise<string> {
    await this.page.getByRole('button', { name: 'New document' }).click()
    await this.page.waitForURL(/\/d\/[A-Za-z0-9_-]+$/)
    return new URL(this.page.url()).pathname.split('/').pop()!
  }

  /**
   * Reloads the list until a document with `title` shows up: the list is
   * rendered on the server, and a rename reaches it a moment after the live
   * title does (once the typing pauses).
   */
  async expectListed(title: string, alsoContaining?: string) {
    await expect(async () => {
      await this.goto()
      const link = this.documentLink(title)
      await expect(link).toBeVisible({ timeout: paced(1_000) })
      if (alsoContaining) await expect(link).toContainText(alsoContaining, { timeout: paced(1_000) })
    }).toPass({ timeout: paced(10_000) })
  }

  documentLink(title: string): Locator {
    return this.list.getByRole('link').filter({ hasText: title })
  }

  async signOut() {
    await this.page.getByRole('button', { name: 'Sign out' }).click()
    await this.page.waitForURL(/\/signin/)
  }

  /** The warning "Sign out" shows first when some local copies hold edits the server lacks. */
  get signOutWarning(): Locator {
    return this.page.getByRole('alertdialog', { name: 'Some edits are not on the server yet' })
  }

  /** "Available offline" on a document's row (this browser has a local copy of it). */
  availableOffline(title: string): Locator {
    return this.documentLink(title).getByText('Available offline')
  }
}
