import { expect, firstLink, test } from './fixtures/mailStack'

/**
 * Accounts on a web app with SMTP_URL (e2e/fixtures/mailStack.ts): every
 * mail here was really sent over SMTP and read back from the capturing server.
 */
test.describe('accounts with mail', () => {
  // Several people and several mails each: longer than the default minute on a busy machine.
  test.slow()

  test('a new account sees "Check your inbox" with Resend until the emailed link verifies it', async ({ actor, mailServers }) => {
    const alice = await actor('Alice')
    const banner = alice.page.getByRole('region', { name: 'Verify your email' })
    await expect(banner).toContainText('Check your inbox.')
    await expect(banner).toContainText(alice.email)
    const first = await mailServers.smtp.waitFor(alice.email, (m) => m.subject === 'Confirm your email for Tandem')

    await banner.getByRole('button', { name: 'Resend' }).click()
    await expect(banner.getByRole('status')).toHaveText(`We sent a new link to ${alice.email}.`)
    const second = await mailServers.smtp.waitFor(alice.email, (m) => m !== first && m.subject === 'Confirm your email for Tandem')

    // The resent link replaces the first one.
    await alice.page.goto(firstLink(first))
    await expect(alice.page.getByRole('alert').filter({ hasText: 'That verification link has expired or was already used.' })).toBeVisible()
    await alice.page.goto(firstLink(second))
    await expect(alice.page.getByRole('status')).toHaveText('Your email is verified.')
    await expect(banner).toBeHidden()
  })

  test('an invitation to an address without an account: "Invited" in the dialog, then a member once they sign up and verify', async ({ actor, mailServers }) => {
    const olive = await actor('Olive')
    const documentId = await olive.home.newDocument()
    await olive.editor.waitUntilLive()
    await olive.editor.rename('Quarterly plan')
    await olive.home.expectListed('Quarterly plan')
    await olive.open(documentId)
    const newcomer = await actor('Newcomer', { signUp: false })

    const share = await olive.editor.openShareDialog()
    await share.root.getByLabel('Email').fill(newcomer.email)
    await share.root.getByRole('button', { name: 'Invite' }).click()
    await expect(share.root.getByText(`Invitation sent to ${newcomer.email}.`)).toBeVisible()
    const people = share.root.getByRole('list', { name: 'People with access' })
    await expect(people.getByRole('listitem').filter({ hasText: newcomer.email })).toContainText('Invited')
    await share.root.getByLabel(`Access for ${newcomer.email}`).selectOption({ label: 'Editor' })
    await expect(share.root.getByText(`${newcomer.email} is invited as an editor.`)).toBeVisible()

    // Inviting a registered address reads the same: the dialog does not tell who has an account.
    const bob = await actor('Bob')
    await share.root.getByLabel('Email').fill(bob.email)
    await share.root.getByRole('button', { name: 'Invite' }).click()
    await expect(share.root.getByText(`Invitation sent to ${bob.email}.`)).toBeVisible()
    await share.close()

    const invitation = await mailServers.smtp.waitFor(newcomer.email)
    expect(invitation.subject).toContain('invited you to “Quarterly plan”')
    await newcomer.page.goto(firstLink(invitation))
    await expect(newcomer.page.getByLabel('Email')).toHaveValue(newcomer.email)
    await newcomer.page.getByLabel('Name').fill(newcomer.name)
    await newcomer.page.getByLabel('Password').fill(newcomer.password)
    await newcomer.signUpPage.submit()
    // Signed up, but the address is not proved yet: the invitation waits.
    await expect(newcomer.page.getByRole('heading', { name: 'Verify your email first' })).toBeVisible()

    const verification = await mailServers.smtp.waitFor(newcomer.email, (m) => m.subject === 'Confirm your email for Tandem')
    await newcomer.page.goto(firstLink(verification))
    await expect(newcomer.page.getByRole('status')).toHaveText('Your email is verified.')
    await expect(newcomer.home.documentLink('Quarterly plan')).toBeVisible()
    await newcomer.open(documentId)
    await expect(newcomer.editor.title).toBeEditable()

    const again = await olive.editor.openShareDialog()
    await expect(again.root.getByLabel(`Access for ${newcomer.name}`)).toHaveValue('editor')
    const everyone = again.root.getByRole('list', { name: 'People with access' })
    await expect(everyone.getByRole('listitem').filter({ hasText: newcomer.email })).not.toContainText('Invited')
    // Bob has an account here but has not verified it: his share waits too.
    await expect(everyone.getByRole('listitem').filter({ hasText: bob.email })).toContainText('Invited')
  })

  test('forgot password: the same answer for any address; the mailed link sets a new password and ends other sessions', async ({ actor, mailServers }) => {
    const alice = await actor('Alice')
    const otherTab = await actor.secondTab(alice)
    const stranger = await actor('Stranger', { signUp: false })

    await stranger.page.goto('/signin')
    await stranger.page.getByRole('link', { name: 'Forgot password?' }).click()
    // The sign-in page has an Email field too: fill only once the reset page has replaced it.
    await expect(stranger.page.getByRole('heading', { name: 'Reset your password' })).toBeVisible()
    await stranger.page.getByLabel('Email').fill('nobody-here@e2e.test')
    await stranger.page.getByRole('button', { name: 'Send reset link' }).click()
    const answer = stranger.page.getByRole('status')
    await expect(answer).toContainText('If an account uses that address')
    const unknownAnswer = await answer.textContent()

    await stranger.page.getByLabel('Email').fill(alice.email)
    await stranger.page.getByRole('button', { name: 'Send reset link' }).click()
    await expect(answer).toHaveText(unknownAnswer!)

    const mail = await mailServers.smtp.waitFor(alice.email, (m) => m.subject === 'Reset your Tandem password')
    await alice.page.goto(firstLink(mail))
    await alice.page.getByLabel('New password', { exact: true }).fill('a fresh e2e password')
    await alice.page.getByLabel('New password again').fill('a fresh e2e password')
    await alice.page.getByRole('button', { name: 'Set new password' }).click()
    await expect(alice.page.getByRole('status')).toHaveText('Your password was changed. Sign in with the new one.')

    await otherTab.page.goto('/')
    await expect(otherTab.page).toHaveURL(/\/signin/)

    await alice.signInPage.goto()
    await alice.signInPage.signIn(alice.email, alice.password)
    await expect(alice.page.getByRole('alert').filter({ hasText: 'Wrong email or password.' })).toBeVisible()
    await alice.signInPage.signIn(alice.email, 'a fresh e2e password')
    await expect(alice.home.heading).toBeVisible()

    // The link worked once.
    await alice.page.goto(firstLink(mail))
    await expect(alice.page.getByRole('alert').filter({ hasText: 'This reset link has expired or was already used.' })).toBeVisible()
  })
})
