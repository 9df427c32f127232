import type { Locator, Page } from '@playwright/test'
import { expect } from '../fixtures/pace'

export type Role = 'Viewer' | 'Commenter' | 'Editor'

/** The dialog's label for a member role ('commenter' → 'Commenter'). */
export function roleLabel(role: 'viewer' | 'commenter' | 'editor'): Role {
  return role === 'editor' ? 'Editor' : role === 'commenter' ? 'Commenter' : 'Viewer'
}

const CREATE_LINK: Record<Role, string> = { Viewer: 'Create view link', Commenter: 'Create comment link', Editor: 'Create edit link' }

/** The share dialog (role="dialog"), opened by the editor's "Share" button. */
export class ShareDialog {
  readonly root: Locator

  constructor(readonly page: Page) {
    this.root = page.getByRole('dialog')
  }

  async invite(email: string, role: Role) {
    await this.root.getByLabel('Email').fill(email)
    await this.root.getByLabel('Role', { exact: true }).selectOption({ label: role })
    await this.root.getByRole('button', { name: 'Invite' }).click()
    await expect(this.root.getByRole('list', { name: 'People with access' })).toContainText(email)
  }

  async changeRole(name: string, role: Role) {
    await this.root.getByLabel(`Access for ${name}`).selectOption({ label: role })
    await expect(this.root.getByLabel(`Access for ${name}`)).toHaveValue(role.toLowerCase())
    await expect(this.root.getByText(`${name} is now`)).toBeVisible()
  }

  async remove(name: string) {
    await this.root.getByRole('button', { name: `Remove ${name}` }).click()
    await expect(this.root.getByRole('list', { name: 'People with access' })).not.toContainText(name)
  }

  /** Creates a link granting `role` and returns its URL. */
  async createLink(role: Role): Promise<string> {
    await this.root.getByRole('button', { name: CREATE_LINK[role] }).click()
    const field = this.root.getByRole('textbox', { name: `${role} link` })
    await expect(field).toHaveValue(/\/s\//)
    return field.inputValue()
  }

  async close() {
    await this.page.keyboard.press('Escape')
    await expect(this.root).toBeHidden()
  }
}
