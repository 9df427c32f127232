import type { Metadata } from 'next'
import { listOwnedDocuments } from '@/app/_data/accountDeletion'
import { getConfig } from '@/app/_data/config'
import { getDb } from '@/app/_data/db'
import { requireUser } from '@/app/_data/session'
import { listPersonalTokens } from '@/app/_data/personalTokens'
import { listSignInMethods } from '@/app/_data/users'
import { createTokenAction, revokeTokenAction } from '@/app/actions/tokens'
import { changeNameAction, changePasswordAction, deleteAccountAction, resendVerificationAction, signOutEverywhereAction } from '@/app/actions/account'
import { AppHeader } from '@/components/AppHeader'
import { VerifyEmailBanner } from '@/components/auth/VerifyEmailBanner'
import { AccessTokensSection } from '@/components/settings/AccessTokensSection'
import { DeleteAccountSection } from '@/components/settings/DeleteAccountSection'
import { PasswordSection } from '@/components/settings/PasswordSection'
import { ProfileSection } from '@/components/settings/ProfileSection'
import { SessionsSection } from '@/components/settings/SessionsSection'

export const metadata: Metadata = { title: 'Account settings · Tandem' }

/** `/settings`: display name, password, sign-in methods, sessions, personal access tokens, deleting the account. */
export default async function SettingsPage() {
  const user = await requireUser('/settings')
  const db = await getDb()
  const [methods, owned, tokens] = await Promise.all([listSignInMethods(db, user.id), listOwnedDocuments(db, user.id), listPersonalTokens(db, user.id)])
  const labels = new Map(getConfig().oauthProviders.map((p) => [p.id as string, p.label]))
  const methodNames = [...(methods.password ? ['Email and password'] : []), ...methods.providers.map((id) => labels.get(id) ?? id)]
  return (
    <>
      <AppHeader userId={user.id} userName={user.name} />
      {user.emailVerified ? null : <VerifyEmailBanner email={user.email} resend={resendVerificationAction} />}
      <main className="mx-auto max-w-2xl space-y-8 px-4 py-8">
        <div className="space-y-1">
          <h1 className="text-2xl font-semibold">Account settings</h1>
          <p className="text-sm text-slate-600">
            {user.email} · {user.emailVerified ? 'verified' : 'not verified yet'}
          </p>
        </div>
        <ProfileSection name={user.name} changeName={changeNameAction} />
        <PasswordSection hasPassword={methods.password} changePassword={changePasswordAction} />
        <SessionsSection methods={methodNames} signOutEverywhere={signOutEverywhereAction} />
        <AccessTokensSection initialTokens={tokens} createToken={createTokenAction} revokeToken={revokeTokenAction} />
        <DeleteAccountSection ownedTitles={owned.map((d) => d.title)} hasPassword={methods.password} deleteAccount={deleteAccountAction} />
      </main>
    </>
  )
}
