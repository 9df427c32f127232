import type { Page } from '@playwright/test'
import { expect } from '../fixtures/pace'

/** `/signup`: the fields and button issue 3 names. */
export class SignUpPage {
  constructor(readonly page: Page) {}

  async goto(callbackUrl?: string) {
    await this.page.goto(callbackUrl ? `/signup?callbackUrl=${encodeURIComponent(callbackUrl)}` : '/signup')
  }

  async fill({ name, email, password }: { name: string; email: string; password: string }) {
    await this.page.getByLabel('Name').fill(name)
    await this.page.getByLabel('Email').fill(email)
    await this.page.getByLabel('Password').fill(password)
  }

  async submit() {
    const button = this.page.getByRole('button', { name: 'Create account' })
    // Enabled once next-auth's session request has set the CSRF cookie.
    await expect(button).toBeEnabled()
    await button.click()
  }
}

/** `/signin`. */
export class SignInPage {
  constructor(readonly page: Page) {}

  async goto(callbackUrl?: string) {
    await this.page.goto(callbackUrl ? `/signin?callbackUrl=${encodeURIComponent(callbackUrl)}` : '/signin')
  }

  async signIn(email: string, password: string) {
    await this.page.getByLabel('Email').fill(email)
    await this.page.getByLabel('Password').fill(password)
    const button = this.page.getByRole('button', { name: 'Sign in' })
    await expect(button).toBeEnabled()
    await button.click()
  }
}
