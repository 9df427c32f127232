import { expect, test } from './kit'

test.describe('accounts', () => {
  test('sign up lands on the document list; sign out; sign in again', async ({ actor }) => {
    const alice = await actor('Alice')
    await expect(alice.page).toHaveURL(/\/$/)
    await expect(alice.page.getByText('No documents yet')).toBeVisible()

    await alice.home.signOut()
    await alice.page.goto('/')
    await expect(alice.page).toHaveURL(/\/signin\?callbackUrl=%2F$/)

    await alice.signInPage.signIn(alice.email, 'not the password')
    await expect(alice.page.getByRole('alert').filter({ hasText: 'Wrong email or password.' })).toBeVisible()
    await alice.signInPage.signIn(alice.email, alice.password)
    await expect(alice.home.heading).toBeVisible()
  })

  test('Sign out cannot be pressed before it can act: disabled as the server sends it, enabled once the page runs', async ({ actor }) => {
    const alice = await actor('Alice')
    // A press before hydration would have no handler and do nothing: the user would stay signed in.
    const html = await (await alice.page.request.get('/')).text()
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*>Sign out<\/button>/)
    await expect(alice.page.getByRole('button', { name: 'Sign out' })).toBeEnabled()
  })

  test('sign-up explains a taken email and a weak password on the form', async ({ actor }) => {
    const alice = await actor('Alice')
    const bob = await actor('Bob', { signUp: false })

    await bob.signUpPage.goto()
    await bob.signUpPage.fill({ name: bob.name, email: alice.email, password: bob.password })
    await bob.signUpPage.submit()
    await expect(bob.page.getByRole('alert').filter({ hasText: 'An account with this email already exists' })).toBeVisible()

    await bob.signUpPage.fill({ name: bob.name, email: bob.email, password: 'short' })
    await bob.signUpPage.submit()
    await expect(bob.page.getByRole('alert').filter({ hasText: 'Use at least 8 characters for your password.' })).toBeVisible()
    await expect(bob.page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true')
    await expect(bob.page).toHaveURL(/\/signup/)
  })

  test('a signed-out visitor to a document is sent to sign in and comes back after', async ({ actor }) => {
    const alice = await actor('Alice')
    const documentId = await alice.home.newDocument()
    await alice.home.goto()
    await alice.home.signOut()

    await alice.editor.goto(documentId)
    await expect(alice.page).toHaveURL(new RegExp(`/signin\\?callbackUrl=%2Fd%2F${documentId}$`))
    await alice.signInPage.signIn(alice.email, alice.password)
    await expect(alice.page).toHaveURL(new RegExp(`/d/${documentId}$`))
    await alice.editor.waitUntilLive()
  })
})
