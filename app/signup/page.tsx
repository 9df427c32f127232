import type { Metadata } from 'next'
import { redirect } from 'next/navigation'
import { getCurrentUser } from '@/app/_data/session'
import { signUpAction } from '@/app/actions/account'
import { AuthCard } from '@/components/auth/AuthCard'
import { safeCallbackUrl } from '@/components/auth/safeCallbackUrl'
import { SignUpForm } from '@/components/auth/SignUpForm'

export const metadata: Metadata = { title: 'Create account · Tandem' }

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const callbackUrl = safeCallbackUrl((await searchParams).callbackUrl)
  if (await getCurrentUser()) redirect(callbackUrl)
  return (
    <AuthCard title="Create your account">
      <SignUpForm callbackUrl={callbackUrl} signUp={signUpAction} />
    </AuthCard>
  )
}
