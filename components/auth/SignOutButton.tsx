'use client'

import { signOut } from 'next-auth/react'
import { secondaryButton } from '@/components/ui/buttonStyles'

export function SignOutButton() {
  return (
    <button type="button" className={secondaryButton} onClick={() => signOut({ callbackUrl: '/signin' })}>
      Sign out
    </button>
  )
}
