import { redirect } from 'next/navigation'
import { getDb } from '@/app/_data/db'
import { requireUser } from '@/app/_data/session'
import { redeemShareLink } from '@/app/_data/sharing'
import { NoAccess } from '@/components/NoAccess'

type Props = { params: Promise<{ token: string }> }

/**
 * `/s/<token>`: a share link. Signed-out visitors sign in (or up) first and
 * come back here; then the link's role is granted and the document opens.
 */
export default async function ShareLinkPage({ params }: Props) {
  const { token } = await params
  const user = await requireUser(`/s/${token}`)
  const redeemed = /^[A-Za-z0-9_-]{1,64}$/.test(token) ? await redeemShareLink(await getDb(), token, user.id) : null
  if (!redeemed) {
    return (
      <NoAccess email={user.email} heading="Link not valid">
        <p className="text-slate-600">This share link was revoked, or its document was deleted. Ask the owner for a new one.</p>
      </NoAccess>
    )
  }
  redirect(`/d/${redeemed.documentId}`)
}
