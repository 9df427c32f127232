import 'server-only'
import type { CommentChange } from '@/lib/liveEvents'
import { findUserById } from '../users'
import { documentAudience, type EventDeps } from './documentEvents'
import { emitEvents } from './live'

/**
 * `comment.changed`, to everyone who can open the document (the one who
 * acted too: their other tabs refresh as well). It is a list-only event
 * (notify: false): the editor's comment panel refetches the thread when it
 * hears one, on whichever web instance holds its stream, since events go
 * through the same store and bus as every other live event.
 */
export async function commentChanged(
  { db, bus }: EventDeps,
  input: { documentId: string; threadId: string; actorId: string; change: CommentChange },
): Promise<void> {
  const [audience, user] = await Promise.all([documentAudience(db, input.documentId), findUserById(db, input.actorId)])
  const by = { id: input.actorId, name: user?.name ?? 'Someone' }
  await emitEvents(
    db,
    bus,
    audience.map((userId) => ({
      userId,
      type: 'comment.changed' as const,
      notify: false,
      data: { documentId: input.documentId, threadId: input.threadId, change: input.change, by },
    })),
  )
}
