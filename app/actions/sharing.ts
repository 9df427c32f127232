'use server'

import { headers } from 'next/headers'
import { redirect } from 'next/navigation'
import { getDb } from '@/app/_data/db'
import { getDeps } from '@/app/_data/deps'
import * as ops from '@/app/_data/operations'
import { isMemberRole } from '@/app/_data/policy'
import { getCurrentUser } from '@/app/_data/session'
import { isShareLinkToken, redeemShareLink } from '@/app/_data/sharing'
import { outgoingFor } from '@/app/_http/publicOrigin'
import { isValidDocId } from '@/lib/docId'
import type { MemberRole } from '@/lib/roles'

type ShareResult = ops.Result<ops.ShareState>

/** Checks what every sharing action needs; returns the caller's id or a failed result. */
async function precheck(documentId: string, role?: unknown): Promise<{ userId: string } | { ok: false; error: string }> {
  const user = await getCurrentUser()
  if (!user) return { ok: false, error: 'You were signed out. Sign in again.' }
  if (!isValidDocId(documentId)) return { ok: false, error: ops.NO_ACCESS }
  if (role !== undefined && !isMemberRole(role)) return { ok: false, error: 'Choose Viewer, Commenter or Editor.' }
  return { userId: user.id }
}

export async function getShareStateAction(documentId: string): Promise<ShareResult> {
  const check = await precheck(documentId)
  if (!('userId' in check)) return check
  return ops.getShareState(await getDeps(), check.userId, documentId)
}

export async function inviteAction(documentId: string, email: string, role: string): Promise<ShareResult> {
  const check = await precheck(documentId, role)
  if (!('userId' in check)) return check
  return ops.invite(await getDeps(outgoingFor(await headers())), check.userId, documentId, String(email ?? ''), role as MemberRole)
}

export async function changeInvitationRoleAction(documentId: string, invitationId: string, role: string): Promise<ShareResult> {
  const check = await precheck(documentId, role)
  if (!('userId' in check)) return check
  return ops.changeInvitationRole(await getDeps(), check.userId, documentId, String(invitationId), role as MemberRole)
}

export async function revokeInvitationAction(documentId: string, invitationId: string): Promise<ShareResult> {
  const check = await precheck(documentId)
  if (!('userId' in check)) return check
  return ops.revokeInvitation(await getDeps(), check.userId, documentId, String(invitationId))
}

export async function changeRoleAction(documentId: string, userId: string, role: string): Promise<ShareResult> {
  const check = await precheck(documentId, role)
  if (!('userId' in check)) return check
  return ops.changeRole(await getDeps(), check.userId, documentId, String(userId), role as MemberRole)
}

export async function removeMemberAction(documentId: string, userId: string): Promise<ShareResult> {
  const check = await precheck(documentId)
  if (!('userId' in check)) return check
  return ops.removeMember(await getDeps(), check.userId, documentId, String(userId))
}

export async function createLinkAction(documentId: string, role: string): Promise<ShareResult> {
  const check = await precheck(documentId, role)
  if (!('userId' in check)) return check
  return ops.createLink(await getDeps(), check.userId, documentId, role as MemberRole)
}

export async function revokeLinkAction(documentId: string, token: string): Promise<ShareResult> {
  const check = await precheck(documentId)
  if (!('userId' in check)) return check
  return ops.revokeLink(await getDeps(), check.userId, documentId, String(token))
}

/**
 * The Join button behind a share link (`/s/<token>`): the one place a link
 * grants its role. A server action, so a POST from this site's own page
 * (Next.js checks the Origin); opening the link only asks.
 */
export async function joinShareLinkAction(token: string): Promise<void> {
  const linkPage = `/s/${encodeURIComponent(String(token))}`
  const user = await getCurrentUser()
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(linkPage)}`)
  const redeemed = isShareLinkToken(String(token)) ? await redeemShareLink(await getDb(), String(token), user.id) : null
  // A link revoked while the page was open: back to it, which now says so.
  redirect(redeemed ? `/d/${redeemed.documentId}` : linkPage)
}
