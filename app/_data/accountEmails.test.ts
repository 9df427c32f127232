import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('server-only', () => ({}))

const { testDatabaseKinds, addUser } = await import('../../testkit/appDb')
const { SmtpCapture, firstLink } = await import('../../testkit/smtpCapture')
const { TEST_ARGON2 } = await import('./passwords')
const { deliverDue, enqueueMail } = await import('./mail/outbox')
const { smtpTransport } = await import('./mail/transport')
const accounts = await import('./accountEmails')
const { consumeEmailToken, issueEmailToken, EMAIL_TOKEN_TTL_MS } = await import('./emailTokens')
const { createPasswordUser, getSessionVersion, verifyPassword } = await import('./users')
const { createDocument, listDocumentsForUser } = await import('./documents')
const ops = await import('./operations')
import type { Outgoing } from './mail/outgoing'
import type { SyncAdmin } from './syncAdmin'

const ORIGIN = 'http://tandem.test'
const noSync: SyncAdmin = { deleteDocument: async () => {}, setAccess: async () => {} }
const quiet = { info: () => {}, warn: () => {} }

describe.each(await testDatabaseKinds())('account mail over a real SMTP server ($name)', (kind) => {
  let t: Awaited<ReturnType<typeof kind.create>>
  let smtp: InstanceType<typeof SmtpCapture>
  let out: Outgoing
  let close: () => void

  beforeEach(async () => {
    t = await kind.create()
    smtp = await SmtpCapture.start()
    const transport = smtpTransport(smtp.url, 'Tandem <no-reply@tandem.test>')
    close = () => transport.close()
    // The app's path: queue, then the delivery loop hands it to SMTP.
    out = {
      origin: ORIGIN,
      async send(message) {
        await enqueueMail(t.db, message)
        await deliverDue(t.db, transport, quiet)
      },
    }
  })
  afterEach(async () => {
    close()
    await smtp.stop()
    await t.cleanup()
  })

  const tokenOf = (link: string) => new URL(link).searchParams.get('token')
  const signUp = async (email: string, name = 'Newt') => {
    const result = await createPasswordUser(t.db, { name, email, password: 'correct horse battery' }, TEST_ARGON2, { verified: false })
    if (!result.ok) throw new Error(JSON.stringify(result.errors))
    return result.user
  }

  it('sign-up → the verification mail → its link verifies, and a share sent before then appears only after', async () => {
    const owner = await addUser(t.db, 'Olive')
    const doc = await createDocument(t.db, owner.id, 'Roadmap')
    const newt = await signUp('newt@example.test')
    expect(newt.emailVerified).toBe(false)
    await accounts.sendVerificationMail(t.db, out, newt)

    // Shared while unverified: it waits (someone else may have typed this address).
    const shared = await ops.invite({ db: t.db, sync: noSync, mail: out }, owner.id, doc.id, 'newt@example.test', 'editor')
    expect(shared.ok && shared.value.invitations.map((i) => i.email)).toEqual(['newt@example.test'])
    expect(await listDocumentsForUser(t.db, newt.id)).toEqual([])

    const mail = await smtp.waitFor('newt@example.test', (m) => m.subject === 'Confirm your email for Tandem')
    const link = firstLink(mail)
    expect(link).toMatch(/^http:\/\/tandem\.test\/verify-email\?token=[A-Za-z0-9_-]{43}$/)
    // Only the hash is stored.
    const stored = await t.db.selectFrom('email_tokens').select('token_hash').executeTakeFirstOrThrow()
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/)
    expect(stored.token_hash).not.toContain(tokenOf(link))

    const verified = await accounts.verifyEmail(t.db, tokenOf(link))
    expect(verified).toMatchObject({ id: newt.id, emailVerified: true })
    expect((await listDocumentsForUser(t.db, newt.id)).map((d) => [d.title, d.role])).toEqual([['Roadmap', 'editor']])
    expect(await accounts.verifyEmail(t.db, tokenOf(link))).toBeNull() // single use
  })

  it('an invitation to a new address → the mail → sign-up through it → the document is theirs with the invited role', async () => {
    const owner = await addUser(t.db, 'Olive')
    const doc = await createDocument(t.db, owner.id, 'Budget')
    const result = await ops.invite({ db: t.db, sync: noSync, mail: out }, owner.id, doc.id, 'Fresh@Example.test', 'viewer')
    expect(result).toMatchObject({ ok: true })

    const invitation = await smtp.waitFor('fresh@example.test')
    expect(invitation.subject).toBe('Olive invited you to “Budget” on Tandem')
    const signUpLink = new URL(firstLink(invitation))
    expect(signUpLink.origin + signUpLink.pathname).toBe(`${ORIGIN}/signup`)
    expect(signUpLink.searchParams.get('email')).toBe('fresh@example.test')
    expect(signUpLink.searchParams.get('callbackUrl')).toBe(`/d/${doc.id}`)

    const fresh = await signUp(signUpLink.searchParams.get('email')!, 'Fresh')
    await accounts.sendVerificationMail(t.db, out, fresh)
    const verifyMail = await smtp.waitFor('fresh@example.test', (m) => m.subject.startsWith('Confirm'))
    await accounts.verifyEmail(t.db, tokenOf(firstLink(verifyMail)))
    expect((await listDocumentsForUser(t.db, fresh.id)).map((d) => [d.id, d.role])).toEqual([[doc.id, 'viewer']])
    expect(await t.db.selectFrom('invitations').selectAll().execute()).toEqual([])
  })

  it('sharing with a verified account adds them at once and mails them that X shared Y', async () => {
    const owner = await addUser(t.db, 'Olive')
    const bob = await addUser(t.db, 'Bob')
    const doc = await createDocument(t.db, owner.id, 'Notes')
    const result = await ops.invite({ db: t.db, sync: noSync, mail: out }, owner.id, doc.id, bob.email, 'editor')
    expect(result.ok && result.value.invitations).toEqual([])
    const mail = await smtp.waitFor(bob.email)
    expect(mail.subject).toBe('Olive shared “Notes” with you')
    expect(firstLink(mail)).toBe(`${ORIGIN}/d/${doc.id}`)
  })

  it('reset mail → the new password works, the old one and other sessions do not; the link works once', async () => {
    const ada = await addUser(t.db, 'Ada')
    const versionBefore = await getSessionVersion(t.db, ada.id)
    await accounts.requestPasswordReset(t.db, out, ada.email.toUpperCase())
    const mail = await smtp.waitFor(ada.email)
    expect(mail.subject).toBe('Reset your Tandem password')
    const token = tokenOf(firstLink(mail))

    expect(await accounts.resetPassword(t.db, token, 'short', TEST_ARGON2)).toMatchObject({ ok: false, error: expect.stringMatching(/at least 8/) })
    expect(await accounts.resetPassword(t.db, token, 'a brand new secret', TEST_ARGON2)).toMatchObject({ ok: true })
    expect(await verifyPassword(t.db, ada.email, 'a brand new secret', TEST_ARGON2)).toMatchObject({ id: ada.id })
    expect(await verifyPassword(t.db, ada.email, 'correct horse battery', TEST_ARGON2)).toBeNull()
    expect(await getSessionVersion(t.db, ada.id)).toBe((versionBefore ?? 0) + 1)
    expect(await accounts.resetPassword(t.db, token, 'yet another secret', TEST_ARGON2)).toEqual({ ok: false, error: accounts.RESET_LINK_EXPIRED })
  })

  it('asking to reset an address without an account sends nothing', async () => {
    await accounts.requestPasswordReset(t.db, out, 'nobody@example.test')
    expect(await t.db.selectFrom('outbox').selectAll().execute()).toEqual([])
    expect(smtp.messages).toEqual([])
  })
})

describe.each(await testDatabaseKinds())('email link tokens ($name)', (kind) => {
  let t: Awaited<ReturnType<typeof kind.create>>
  beforeEach(async () => {
    t = await kind.create()
  })
  afterEach(async () => {
    await t.cleanup()
  })

  it('expire (verify after 24 h, reset after 1 h), and a newer link replaces an older one', async () => {
    const ada = await addUser(t.db, 'Ada')
    const now = Date.now()
    const reset = await issueEmailToken(t.db, ada.id, 'reset', now)
    expect(await consumeEmailToken(t.db, reset, 'reset', now + EMAIL_TOKEN_TTL_MS.reset + 1)).toBeNull()
    const verify = await issueEmailToken(t.db, ada.id, 'verify', now)
    expect(await consumeEmailToken(t.db, verify, 'reset', now)).toBeNull() // not for another purpose
    expect(EMAIL_TOKEN_TTL_MS.verify).toBe(24 * 60 * 60_000)
    expect(await consumeEmailToken(t.db, verify, 'verify', now + EMAIL_TOKEN_TTL_MS.verify - 1)).toBe(ada.id)

    const older = await issueEmailToken(t.db, ada.id, 'reset', now)
    const newer = await issueEmailToken(t.db, ada.id, 'reset', now)
    expect(await consumeEmailToken(t.db, older, 'reset', now)).toBeNull()
    expect(await consumeEmailToken(t.db, newer, 'reset', now)).toBe(ada.id)
    expect(await consumeEmailToken(t.db, 'x'.repeat(43), 'reset', now)).toBeNull()
  })
})
