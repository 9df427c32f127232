import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { textPart } from '../testkit/smtpCapture'
import { expect, test } from './kit'

/** The reset link in the .eml file addressed to `name`, once the web app has written it. */
function resetLinkFor(outbox: string, name: string): string | null {
  let files: string[]
  try {
    files = readdirSync(outbox).filter((file) => file.endsWith('.eml'))
  } catch {
    return null // not created yet
  }
  for (const file of files) {
    const text = textPart(readFileSync(path.join(outbox, file), 'utf8'))
    if (text.includes(name)) return /https?:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]{43}/.exec(text)?.[0] ?? null
  }
  return null
}

/** `/settings`, and account mail on the default stack: no SMTP_URL, so mail lands in DATA_DIR/outbox/. */
test.describe('account settings', () => {
  // Two or three people, a document and several pages each: longer than the default minute on a busy machine.
  test.slow()

  test('without SMTP an account counts as verified at sign-up, and a reset link is written to DATA_DIR/outbox', async ({ actor, servers }) => {
    const alice = await actor('Alice')
    await expect(alice.page.getByRole('region', { name: 'Verify your email' })).toBeHidden()

    await alice.page.goto('/forgot-password')
    await alice.page.getByLabel('Email').fill(alice.email)
    await alice.page.getByRole('button', { name: 'Send reset link' }).click()
    await expect(alice.page.getByRole('status')).toContainText('If an account uses that address')

    const outbox = path.join(servers.dataDir, 'outbox')
    await expect.poll(() => resetLinkFor(outbox, alice.name)).not.toBeNull()
    const link = resetLinkFor(outbox, alice.name)!
    await alice.page.goto(link)
    await expect(alice.page.getByRole('button', { name: 'Set new password' })).toBeVisible()
  })

  test('change the display name, and the password (asking the current one) while other sessions end', async ({ actor }) => {
    const alice = await actor('Alice')
    const otherTab = await actor.secondTab(alice)
    await alice.page.getByRole('link', { name: alice.name }).click()
    await expect(alice.page.getByRole('heading', { name: 'Account settings' })).toBeVisible()
    await expect(alice.page.getByRole('list', { name: 'Sign-in methods' })).toHaveText('Email and password')

    await alice.page.getByRole('textbox', { name: 'Name', exact: true }).fill('Alice Renamed')
    await alice.page.getByRole('button', { name: 'Save name' }).click()
    await expect(alice.page.getByRole('status')).toContainText('Your name is now Alice Renamed.')
    await expect(alice.page.getByRole('link', { name: 'Alice Renamed' })).toBeVisible()

    const passwordSection = alice.page.getByRole('region', { name: 'Password', exact: true })
    await passwordSection.getByLabel('Current password').fill('not my password')
    await passwordSection.getByLabel('New password').fill('another e2e password')
    await passwordSection.getByRole('button', { name: 'Change password' }).click()
    await expect(passwordSection.getByRole('alert')).toHaveText('Your current password is not right.')

    await passwordSection.getByLabel('Current password').fill(alice.password)
    await passwordSection.getByLabel('New password').fill('another e2e password')
    await passwordSection.getByRole('button', { name: 'Change password' }).click()
    await expect(passwordSection.getByRole('status')).toHaveText('Password changed. Every other session was signed out.')

    // This session goes on; the other one is over.
    await alice.home.goto()
    await otherTab.page.goto('/')
    await expect(otherTab.page).toHaveURL(/\/signin/)
    await otherTab.signInPage.signIn(alice.email, 'another e2e password')
    await expect(otherTab.home.heading).toBeVisible()
  })

  test('"Sign out everywhere" ends every session, this one too', async ({ actor }) => {
    const alice = await actor('Alice')
    const otherTab = await actor.secondTab(alice)
    await alice.page.goto('/settings')
    await alice.page.getByRole('button', { name: 'Sign out everywhere' }).click()
    await expect(alice.page).toHaveURL(/\/signin/)
    await otherTab.page.goto('/')
    await expect(otherTab.page).toHaveURL(/\/signin/)
    await alice.signIn()
  })

  test('delete the account: the warning lists owned documents, the password is asked, then they are gone for everyone', async ({ actor, syncApi }) => {
    const alice = await actor('Alice')
    const bob = await actor('Bob')
    const documentId = await alice.home.newDocument()
    await alice.editor.waitUntilLive()
    await alice.editor.rename('Doomed notes')
    await alice.home.expectListed('Doomed notes')
    await alice.open(documentId)
    await alice.editor.typeAtEnd('Secret plan')
    await alice.editor.waitUntilSaved()
    expect((await syncApi.getBlocks(documentId)).join('\n')).toContain('Secret plan')
    const share = await alice.editor.openShareDialog()
    await share.invite(bob.email, 'Viewer')
    await share.close()

    await alice.page.goto('/settings')
    const section = alice.page.getByRole('region', { name: 'Delete account' })
    await expect(section.getByRole('list', { name: 'Documents that will be deleted' })).toHaveText('Doomed notes')
    await section.getByLabel('Password to confirm').fill('wrong password')
    await section.getByRole('button', { name: 'Delete my account' }).click()
    await expect(section.getByRole('alert')).toHaveText('That password is not right: the account was not deleted.')

    await section.getByLabel('Password to confirm').fill(alice.password)
    await section.getByRole('button', { name: 'Delete my account' }).click()
    await expect(alice.page).toHaveURL(/\/signin/)

    await alice.signInPage.signIn(alice.email, alice.password)
    await expect(alice.page.getByRole('alert').filter({ hasText: 'Wrong email or password.' })).toBeVisible()
    await bob.home.goto()
    await expect(bob.home.documentLink('Doomed notes')).toHaveCount(0)
    // Deleted through the sync server's API: its content is gone too.
    expect((await syncApi.getBlocks(documentId)).join('\n')).not.toContain('Secret plan')
  })
})
