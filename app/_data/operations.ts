import 'server-only'
import type { Db } from './db'
import * as documents from './documents'
import type { LiveBus } from './events/bus'
import * as documentEvents from './events/documentEvents'
import { Action, can, liveAccessForRole, type Role } from './policy'
import type { MemberRole } from './schema'
import * as sharing from './sharing'
import type { SyncAdmin } from './syncAdmin'
import { findUserByEmail } from './users'

/**
 * The document use cases, each checking the caller's role first. Server
 * actions are thin wrappers around these; tests call them directly with a
 * real SQLite database and a fake sync server.
 */
export interface Deps {
  db: Db
  sync: SyncAdmin
  /** Tells every web app process about stored live events; without it (tests) they are stored only. */
  bus?: LiveBus
}

export type Result<T = void> = { ok: true; value: T; warning?: string } | { ok: false; error: string }

const ok = <T>(value: T, warning?: string): Result<T> => (warning ? { ok: true, value, warning } : { ok: true, value })
const fail = (error: string): Result<never> => ({ ok: false, error })

/** One message for "no such document" and "not yours to see", so ids can't be probed. */
export const NO_ACCESS = 'You don’t have access to this document.'
const NOT_ALLOWED = 'Only the owner can do that.'

async function roleOf(db: Db, documentId: string, userId: string): Promise<Role | null> {
  return documents.getRole(db, documentId, userId)
}

export interface ShareState {
  members: sharing.Member[]
  links: sharing.ShareLink[]
}

async function shareState(db: Db, documentId: string): Promise<ShareState> {
  const [members, links] = await Promise.all([sharing.listMembers(db, documentId), sharing.listShareLinks(db, documentId)])
  return { members, links }
}

export async function getShareState({ db }: Deps, actorId: string, documentId: string): Promise<Result<ShareState>> {
  const role = await roleOf(db, documentId, actorId)
  if (!can(role, Action.Read)) return fail(NO_ACCESS)
  if (!can(role, Action.Share)) return fail(NOT_ALLOWED)
  return ok(await shareState(db, documentId))
}

export async function rename(deps: Deps, actorId: string, documentId: string, title: string): Promise<Result<string>> {
  const { db } = deps
  const role = await roleOf(db, documentId, actorId)
  if (!can(role, Action.Rename)) return fail(role ? 'Viewers can’t rename this document.' : NO_ACCESS)
  const before = await documents.findDocument(db, documentId)
  const cleaned = await documents.renameDocument(db, documentId, title)
  if (before && before.title !== cleaned) await documentEvents.renamed(deps, documentId, cleaned)
  return ok(cleaned)
}

export async function markEdited(deps: Deps, actorId: string, documentId: string): Promise<Result> {
  const role = await roleOf(deps.db, documentId, actorId)
  if (!can(role, Action.Write)) return fail(NO_ACCESS)
  await documents.touchDocument(deps.db, documentId)
  await documentEvents.edited(deps, documentId, actorId)
  return ok(undefined)
}

/**
 * Deletes the content on the sync server first, then the metadata: if the
 * sync server can't be reached, the document stays listed and can be deleted
 * again, instead of leaving content behind that nothing points to.
 */
export async function deleteDocument(deps: Deps, actorId: string, documentId: string): Promise<Result> {
  const { db, sync } = deps
  const role = await roleOf(db, documentId, actorId)
  if (!can(role, Action.Read)) return fail(NO_ACCESS)
  if (!can(role, Action.Delete)) return fail(NOT_ALLOWED)
  try {
    await sync.deleteDocument(documentId, actorId)
  } catch (error) {
    return fail(`The document was not deleted: ${(error as Error).message} Try again.`)
  }
  const [record, audience] = await Promise.all([documents.findDocument(db, documentId), documentEvents.documentAudience(db, documentId)])
  await documents.deleteDocumentRecord(db, documentId)
  if (record) await documentEvents.deleted(deps, { documentId, title: record.title, actorId, audience })
  return ok(undefined)
}

/** The member's role now (null: none), to tell a share from a role change. */
async function memberRoleOf(db: Db, documentId: string, userId: string): Promise<MemberRole | null> {
  const role = await roleOf(db, documentId, userId)
  return role === 'owner' ? null : role
}

async function titleOf(db: Db, documentId: string): Promise<string> {
  return (await documents.findDocument(db, documentId))?.title ?? documents.DEFAULT_TITLE
}

/** Tells the sync server; a failure there leaves the change saved but reports it. */
async function applyLive(sync: SyncAdmin, documentId: string, actorId: string, userId: string, role: MemberRole | null) {
  try {
    await sync.setAccess(documentId, actorId, userId, liveAccessForRole(role))
    return undefined
  } catch (error) {
    return `Saved, but open editors may keep their old access until they reconnect: ${(error as Error).message}`
  }
}

export async function invite(
  deps: Deps,
  actorId: string,
  documentId: string,
  email: string,
  role: MemberRole,
): Promise<Result<ShareState>> {
  const { db, sync } = deps
  const actorRole = await roleOf(db, documentId, actorId)
  if (!can(actorRole, Action.Read)) return fail(NO_ACCESS)
  if (!can(actorRole, Action.Share)) return fail(NOT_ALLOWED)
  if (!email.trim()) return fail('Enter the email of the person to invite.')
  const invitee = await findUserByEmail(db, email)
  if (!invitee) return fail(`No one has signed up with ${email.trim()} yet. Ask them to create an account, or share a link.`)
  if (invitee.id === actorId) return fail('You already own this document.')
  const before = await memberRoleOf(db, documentId, invitee.id)
  await sharing.setMembership(db, documentId, invitee.id, role)
  const warning = await applyLive(sync, documentId, actorId, invitee.id, role)
  await documentEvents.accessChanged(deps, { documentId, title: await titleOf(db, documentId), actorId, userId: invitee.id, before, after: role })
  return ok(await shareState(db, documentId), warning)
}

export async function changeRole(
  deps: Deps,
  actorId: string,
  documentId: string,
  userId: string,
  role: MemberRole,
): Promise<Result<ShareState>> {
  const { db, sync } = deps
  const actorRole = await roleOf(db, documentId, actorId)
  if (!can(actorRole, Action.Read)) return fail(NO_ACCESS)
  if (!can(actorRole, Action.Share)) return fail(NOT_ALLOWED)
  const current = await roleOf(db, documentId, userId)
  if (current === 'owner') return fail('The owner’s role can’t be changed.')
  if (!current) return fail('That person has no access to change.')
  await sharing.setMembership(db, documentId, userId, role)
  const warning = await applyLive(sync, documentId, actorId, userId, role)
  await documentEvents.accessChanged(deps, { documentId, title: await titleOf(db, documentId), actorId, userId, before: current, after: role })
  return ok(await shareState(db, documentId), warning)
}

export async function removeMember(deps: Deps, actorId: string, documentId: string, userId: string): Promise<Result<ShareState>> {
  const { db, sync } = deps
  const actorRole = await roleOf(db, documentId, actorId)
  if (!can(actorRole, Action.Read)) return fail(NO_ACCESS)
  if (!can(actorRole, Action.Share)) return fail(NOT_ALLOWED)
  if (userId === actorId) return fail('The owner can’t be removed.')
  const before = await memberRoleOf(db, documentId, userId)
  const removed = await sharing.removeMembership(db, documentId, userId)
  const warning = await applyLive(sync, documentId, actorId, userId, null)
  if (removed) await documentEvents.accessChanged(deps, { documentId, title: await titleOf(db, documentId), actorId, userId, before, after: null })
  return ok(await shareState(db, documentId), warning)
}

export async function createLink({ db }: Deps, actorId: string, documentId: string, role: MemberRole): Promise<Result<ShareState>> {
  const actorRole = await roleOf(db, documentId, actorId)
  if (!can(actorRole, Action.Read)) return fail(NO_ACCESS)
  if (!can(actorRole, Action.Share)) return fail(NOT_ALLOWED)
  await sharing.createShareLink(db, documentId, role, actorId)
  return ok(await shareState(db, documentId))
}

export async function revokeLink({ db }: Deps, actorId: string, documentId: string, token: string): Promise<Result<ShareState>> {
  const actorRole = await roleOf(db, documentId, actorId)
  if (!can(actorRole, Action.Read)) return fail(NO_ACCESS)
  if (!can(actorRole, Action.Share)) return fail(NOT_ALLOWED)
  await sharing.revokeShareLink(db, documentId, token)
  return ok(await shareState(db, documentId))
}
