import type { Metadata } from 'next'
import Link from 'next/link'
import { redirect } from 'next/navigation'
import { getDb } from '@/app/_data/db'
import { requireUser } from '@/app/_data/session'
import { describeShareLink, isShareLinkToken, joiningGrantsMore } from '@/app/_data/sharing'
import { joinShareLinkAction } from '@/app/actions/sharing'
import { NoAccess } from '@/components/NoAccess'
import { SignOutButton } from '@/components/auth/SignOutButton'
import { secondaryButton } from '@/components/ui/buttonStyles'
import { JoinButton } from './JoinButton'

type Props = { params: Promise<{ token: string }> }

export const metadata: Metadata = { title: 'Join a document · Tandem' }

/**
 * `/s/<token>`: a share link. It asks before it grants: "Join “Plans” as
 * editor" with a Join button (a server action, POST). Viewing this page never
 * changes who has access, so a link opened from another site, or fetched by a
 * link previewer, adds nobody. Signed-out visitors sign in (or up) first and
 * come back here, still asked. Someone who already has the link's role or
 * more goes straight to the document.
 */
export default async function ShareLinkPage({ params }: Props) {
  const { token } = await params
  const user = await requireUser(`/s/${token}`)
  const invitation = isShareLinkToken(token) ? await describeShareLink(await getDb(), token, user.id) : null
  if (!invitation) {
    return (
      <NoAccess userId={user.id} email={user.email} heading="Link not valid">
        <p className="text-slate-600">This share link was revoked, or its document was deleted. Ask the owner for a new one.</p>
      </NoAccess>
    )
  }
  if (!joiningGrantsMore(invitation.role, invitation.currentRole)) redirect(`/d/${invitation.documentId}`)

  const upgrade = invitation.currentRole !== null
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-md space-y-5 rounded-xl border border-slate-200 bg-white p-6 text-center shadow-sm sm:p-8">
        <p className="text-sm font-semibold tracking-wide text-blue-700">Tandem</p>
        <h1 className="text-2xl font-semibold break-words">
          Join “{invitation.title}” as {invitation.role}
        </h1>
        <p className="text-slate-600">
          {invitation.ownerName} shared this document.{' '}
          {upgrade
            ? invitation.role === 'editor'
              ? 'You can read it already; joining lets you edit it too.'
              : 'You can read it already; joining lets you comment on it too.'
            : invitation.role === 'editor'
              ? 'Joining lets you read and edit it, and lists it with your documents.'
              : invitation.role === 'commenter'
                ? 'Joining lets you read and comment on it, and lists it with your documents.'
                : 'Joining lets you read it, and lists it with your documents.'}
        </p>
        <form action={joinShareLinkAction.bind(null, token)} className="flex flex-wrap justify-center gap-3">
          <JoinButton />
          <Link href="/" className={secondaryButton}>
            Not now
          </Link>
        </form>
        <div className="flex flex-wrap items-center justify-center gap-2 text-sm text-slate-500">
          <span>Signed in as {user.email}.</span>
          <SignOutButton userId={user.id} />
        </div>
      </div>
    </main>
  )
}
