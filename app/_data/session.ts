import 'server-only'
import { getServerSession } from 'next-auth'
import { redirect } from 'next/navigation'
import { cache } from 'react'
import { getAuthOptions } from './auth'
import { getDb } from './db'
import { findUserById, type PublicUser } from './users'

/**
 * The signed-in user, verified against the database, or null. Memoised per
 * request with React's cache(), so a page and its components share one lookup.
 */
export const getCurrentSession = cache(async () => (await getServerSession(getAuthOptions()))?.user ?? null)

export const getCurrentUser = cache(async (): Promise<PublicUser | null> => {
  const session = await getCurrentSession()
  const id = session?.id
  if (!id) return null
  return findUserById(await getDb(), id)
})

/** The signed-in user; otherwise a redirect to /signin that comes back to `returnTo`. */
export async function requireUser(returnTo: string): Promise<PublicUser> {
  const user = await getCurrentUser()
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`)
  return user
}
