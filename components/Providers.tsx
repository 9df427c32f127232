'use client'

import { SessionProvider } from 'next-auth/react'

/** Client-side context for the whole app: next-auth's session (used by the sign-in forms). */
export function Providers({ children }: { children: React.ReactNode }) {
  return <SessionProvider refetchOnWindowFocus={false}>{children}</SessionProvider>
}
