import 'server-only'
import * as documents from './documents'
import { documentAudience, type EventDeps } from './events/documentEvents'
import { emitEvents } from './events/live'
import { commentMessage } from './mail/messages'
import type { Outgoing } from './mail/outgoing'
import { threadParticipants } from './comments'
import { listMembers } from './sharing'
import { findUserById } from './users'

/**
 * Who hears about a new comment (issue 16): the people it mentions get
 * `comment.mentioned`, everyone else who wrote in the thread gets
 * `comment.replied`; both are notifications (under the bell) with a link to
 * the thread, and a mail when `mail` is given. Never the author, never
 * anyone who cannot read the document.
 */

export interface Candidate {
  id: string
  name: string
}

/**
 * The people a comment mentions: those the composer said it mentioned
 * (`requested`) whose `@Name` really is in the text, and who have access.
 * A longer name wins where one name starts another ("@Ann Lee" is not "@Ann").
 */
export function parseMentions(body: string, requested: readonly string[], candidates: readonly Candidate[]): string[] {
  const wanted = new Set(requested)
  const found: string[] = []
  const byLength = [...candidates].filter((c) => wanted.has(c.id) && c.name.trim()).sort((a, b) => b.name.length - a.name.length)
  let rest = body
  for (const candidate of byLength) {
    const token = `@${candidate.name}`
    if (!rest.includes(token)) continue
    found.push(candidate.id)
    rest = rest.split(token).join(' ')
  }
  return found
}

export async function notifyComment(
  { db, bus, mail }: EventDeps & { mail?: Outgoing },
  input: { documentId: string; threadId: string; actorId: string; body: string; mentions: readonly string[]; isReply: boolean },
): Promise<void> {
  const [members, document, actor] = await Promise.all([
    listMembers(db, input.documentId),
    documents.findDocument(db, input.documentId),
    findUserById(db, input.actorId),
  ])
  if (!document) return
  const withAccess = members.filter((m) => m.userId !== input.actorId)
  const mentioned = parseMentions(input.body, input.mentions, withAccess.map((m) => ({ id: m.userId, name: m.name })))
  const audience = new Set(await documentAudience(db, input.documentId))
  const participants = input.isReply ? (await threadParticipants(db, input.threadId)).filter((id) => id !== input.actorId && !mentioned.includes(id) && audience.has(id)) : []
  const by = { id: input.actorId, name: actor?.name ?? 'Someone' }
  const data = { documentId: input.documentId, threadId: input.threadId, title: document.title, by }
  await emitEvents(db, bus, [
    ...mentioned.map((userId) => ({ userId, type: 'comment.mentioned' as const, notify: true, data })),
    ...participants.map((userId) => ({ userId, type: 'comment.replied' as const, notify: true, data })),
  ])
  if (!mail) return
  const link = `${mail.origin}/d/${input.documentId}?thread=${input.threadId}`
  const emailOf = new Map(members.map((m) => [m.userId, m.email]))
  for (const [userId, kind] of [...mentioned.map((id) => [id, 'mentioned'] as const), ...participants.map((id) => [id, 'replied'] as const)]) {
    const to = emailOf.get(userId)
    if (to) await mail.send(commentMessage(to, by.name, document.title, kind, input.body, link))
  }
}

