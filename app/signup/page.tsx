import type { Metadata } from 'next'
import { redirect } from 'next/navigation'
import { getCurrentUser } from '@/app/_data/session'
import { signUpAction } from '@/app/actions/account'
import { AuthCard } from '@/components/auth/AuthCard'
import { safeCallbackUrl } from '@/components/auth/safeCallbackUrl'
import { SignUpForm } from '@/components/auth/SignUpForm'

export const metadata: Metadata = { title: 'Create account · Tandem' }

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams
  const callbackUrl = safeCallbackUrl(params.callbackUrl)
  // An invitation's link fills in the address it was sent to.
  const email = typeof params.email === 'string' ? params.email.slice(0, 320) : undefined
  if (await getCurrentUser()) redirect(callbackUrl)
  return (
    <AuthCard title="Create your account">
      <SignUpForm callbackUrl={callbackUrl} signUp={signUpAction} email={email} />
    </AuthCard>
  )
}
