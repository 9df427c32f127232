import 'server-only'
import type { Actor } from '@/lib/liveEvents'
import type { MemberRole } from '@/lib/roles'
import type { Db } from '../db'
import { findUserById } from '../users'
import type { LiveBus } from './bus'
import { emitEvents } from './live'
import { claimEditedEvent } from './store'

/**
 * The live events of document changes, one function per change, called by
 * the use cases in operations.ts once the change is made. Notifications go
 * to the person affected, never to the one who acted.
 */
export interface EventDeps {
  db: Db
  bus?: LiveBus
}

async function actor(db: Db, userId: string): Promise<Actor> {
  const user = await findUserById(db, userId)
  return { id: userId, name: user?.name ?? 'Someone' }
}

/** Everyone who can open the document: the owner and every member. */
export async function documentAudience(db: Db, documentId: string): Promise<string[]> {
  const [owner, members] = await Promise.all([
    db.selectFrom('documents').select('owner_id').where('id', '=', documentId).executeTakeFirst(),
    db.selectFrom('memberships').select('user_id').where('document_id', '=', documentId).execute(),
  ])
  return [...(owner ? [owner.owner_id] : []), ...members.map((m) => m.user_id)]
}

/** A member's role went from `before` to `after` (null: no access). */
export async function accessChanged(
  { db, bus }: EventDeps,
  input: { documentId: string; title: string; actorId: string; userId: string; before: MemberRole | null; after: MemberRole | null },
): Promise<void> {
  const { documentId, title, userId, before, after } = input
  if (before === after || userId === input.actorId) return
  const by = await actor(db, input.actorId)
  if (!before && after) {
    await emitEvents(db, bus, [{ userId, type: 'document.shared', notify: true, data: { documentId, title, role: after, by } }])
  } else if (before && after) {
    await emitEvents(db, bus, [{ userId, type: 'document.role-changed', notify: true, data: { documentId, role: after, title, by } }])
  } else {
    await emitEvents(db, bus, [{ userId, type: 'document.unshared', notify: true, data: { documentId, title, by } }])
  }
}

export async function renamed({ db, bus }: EventDeps, documentId: string, title: string): Promise<void> {
  const audience = await documentAudience(db, documentId)
  await emitEvents(
    db,
    bus,
    audience.map((userId) => ({ userId, type: 'document.renamed' as const, notify: false, data: { documentId, title } })),
  )
}

/** `audience` is read before the delete, since the memberships go with it. */
export async function deleted({ db, bus }: EventDeps, input: { documentId: string; title: string; actorId: string; audience: string[] }): Promise<void> {
  const by = await actor(db, input.actorId)
  await emitEvents(
    db,
    bus,
    input.audience.map((userId) => ({
      userId,
      type: 'document.deleted' as const,
      notify: userId !== input.actorId,
      data: { documentId: input.documentId, title: input.title, by },
    })),
  )
}

/** An edit was reported: announced at most once per document per 10 s (claimEditedEvent). */
export async function edited({ db, bus }: EventDeps, documentId: string, actorId: string, now = Date.now()): Promise<void> {
  if (!(await claimEditedEvent(db, documentId, now))) return
  const [audience, by] = await Promise.all([documentAudience(db, documentId), actor(db, actorId)])
  const editedAt = new Date(now).toISOString()
  await emitEvents(
    db,
    bus,
    audience.map((userId) => ({ userId, type: 'document.edited' as const, notify: false, data: { documentId, editedAt, by } })),
  )
}
