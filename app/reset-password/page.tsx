import type { Metadata } from 'next'
import Link from 'next/link'
import { RESET_LINK_EXPIRED } from '@/app/_data/accountEmails'
import { getDb } from '@/app/_data/db'
import { peekEmailToken } from '@/app/_data/emailTokens'
import { resetPasswordAction } from '@/app/actions/account'
import { AuthCard } from '@/components/auth/AuthCard'
import { ResetPasswordForm } from '@/components/auth/ResetPasswordForm'

export const metadata: Metadata = { title: 'Choose a new password · Tandem', referrer: 'no-referrer' }

/**
 * `/reset-password?token=…`: the link from the reset mail. Opening it only
 * looks (a mail scanner following links uses nothing up); the form's POST spends it.
 */
export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { token } = await searchParams
  const live = typeof token === 'string' && (await peekEmailToken(await getDb(), token, 'reset')) !== null
  return (
    <AuthCard title="Choose a new password">
      {live ? (
        <ResetPasswordForm token={token} reset={resetPasswordAction} />
      ) : (
        <div className="space-y-4 text-sm">
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-red-800">
            {RESET_LINK_EXPIRED}
          </p>
          <Link className="font-medium text-blue-700 underline" href="/forgot-password">
            Send a new link
          </Link>
        </div>
      )}
    </AuthCard>
  )
}
