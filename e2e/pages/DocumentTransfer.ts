import type { Download, Locator, Page } from '@playwright/test'

/**
 * Getting documents in and out, and finding them: the editor's Export menu,
 * the document list's search box and import (picker or drop), and the
 * settings page's personal access tokens.
 */
export class DocumentTransfer {
  readonly searchBox: Locator
  readonly searchResults: Locator
  readonly dropZone: Locator

  constructor(readonly page: Page) {
    this.searchBox = page.getByRole('searchbox', { name: 'Search documents' })
    this.searchResults = page.getByRole('list', { name: 'Search results' })
    this.dropZone = page.getByRole('region', { name: /drop files here to import/ })
  }

  /** Export → `item` on the open document; resolves with the download. */
  async export(item: RegExp | string): Promise<Download> {
    await this.page.getByRole('button', { name: 'Export' }).click()
    const download = this.page.waitForEvent('download')
    await this.page.getByRole('menuitem', { name: item }).click()
    return download
  }

  /** A search result's link, by the document's title. */
  searchResult(title: string): Locator {
    return this.searchResults.getByRole('link').filter({ hasText: title })
  }

  /** Drops files onto the document list, as a person dragging them from their desktop does. */
  async dropFiles(files: { name: string; mimeType: string; content: string }[]) {
    const dataTransfer = await this.page.evaluateHandle((list) => {
      const transfer = new DataTransfer()
      for (const file of list) transfer.items.add(new File([file.content], file.name, { type: file.mimeType }))
      return transfer
    }, files)
    await this.dropZone.dispatchEvent('dragenter', { dataTransfer })
    await this.dropZone.dispatchEvent('dragover', { dataTransfer })
    await this.dropZone.dispatchEvent('drop', { dataTransfer })
  }

  /** Settings → Personal access tokens → Create token; returns the secret shown once. */
  async createToken(name: string, { allowCreate = false } = {}): Promise<string> {
    await this.page.goto('/settings')
    await this.page.getByLabel('Token name').fill(name)
    if (allowCreate) await this.page.getByLabel('Can also create documents').check()
    await this.page.getByRole('button', { name: 'Create token' }).click()
    const field = this.page.getByRole('textbox', { name: 'New token' })
    await field.waitFor()
    return field.inputValue()
  }

  async revokeToken(name: string) {
    await this.page.getByRole('button', { name: `Revoke ${name}` }).click()
    await this.page.getByRole('listitem', { name }).getByText('revoked').waitFor()
  }
}
