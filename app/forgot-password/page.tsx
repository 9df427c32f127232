import type { Metadata } from 'next'
import { requestPasswordResetAction } from '@/app/actions/account'
import { AuthCard } from '@/components/auth/AuthCard'
import { ForgotPasswordForm } from '@/components/auth/ForgotPasswordForm'

export const metadata: Metadata = { title: 'Forgot password · Tandem' }

/** `/forgot-password`: mails a reset link (answering the same whether or not the address has an account). */
export default function ForgotPasswordPage() {
  return (
    <AuthCard title="Reset your password">
      <ForgotPasswordForm requestReset={requestPasswordResetAction} />
    </AuthCard>
  )
}
