import 'server-only'
import * as Y from 'yjs'
import type { z } from 'zod'
import type { CommentThread } from '@/lib/comments'
import { commentTextSchema, newThreadSchema, threadAnchorSchema, threadStateSchema } from './commentSchemas'
import type { CommentChange } from '@/lib/liveEvents'
import * as comments from './comments'
import type { Db } from './db'
import * as documents from './documents'
import type { LiveBus } from './events/bus'
import { commentChanged } from './events/commentEvents'
import { notifyComment } from './commentNotifications'
import type { Outgoing } from './mail/outgoing'
import { Action, can } from './policy'
import { listMembers } from './sharing'

/**
 * The comment use cases (issue 16), each checking the caller's role on the
 * server first: reading needs read access to the document, writing needs
 * the `comment` action (commenters, editors, the owner; never viewers).
 * Only a comment's author edits it; its author or the document's owner
 * deletes it. Deleting a thread's opening comment deletes the thread.
 */
export interface CommentDeps {
  db: Db
  bus?: LiveBus
  /** Mail for mentions and replies; without it (tests), notifications only. */
  mail?: Outgoing
}

export type CommentResult<T> = { ok: true; value: T } | { ok: false; status: 400 | 403 | 404; error: string }

const notFound = (error = 'You don’t have access to this document.'): CommentResult<never> => ({ ok: false, status: 404, error })
const forbidden = (error: string): CommentResult<never> => ({ ok: false, status: 403, error })
const invalid = (error: string): CommentResult<never> => ({ ok: false, status: 400, error })

const NO_THREAD = 'That comment thread does not exist (it may have been deleted).'
const NO_COMMENT = 'That comment does not exist (it may have been deleted).'
const VIEWERS_CANNOT = 'You can view this document but not comment on it.'

/** The first problem zod found, in words. */
function parse<S extends z.ZodType>(schema: S, input: unknown): { ok: true; value: z.output<S> } | { ok: false; error: string } {
  const parsed = schema.safeParse(input)
  if (parsed.success) return { ok: true, value: parsed.data }
  const issue = parsed.error.issues[0]
  return { ok: false, error: issue ? `${issue.path.join('.') || 'request'}: ${issue.message}` : 'Invalid request.' }
}

/** True when `encoded` is base64 of a Yjs relative position (what the editor sends as an anchor). */
/** Both ends of an anchor decode as Yjs relative positions. */
function isAnchor(anchor: { start: string; end: string }): boolean {
  return isRelativePosition(anchor.start) && isRelativePosition(anchor.end)
}

export function isRelativePosition(encoded: string): boolean {
  try {
    const bytes = Buffer.from(encoded, 'base64')
    const position = Y.decodeRelativePosition(bytes)
    // Nothing left over: what decodes must be all there is.
    return Boolean(position.type || position.item || position.tname) && Buffer.from(Y.encodeRelativePosition(position)).equals(bytes)
  } catch {
    return false
  }
}

async function roleCheck(db: Db, documentId: string, actorId: string, action: Action, refusal = VIEWERS_CANNOT): Promise<CommentResult<true>> {
  const role = await documents.getRole(db, documentId, actorId)
  if (!can(role, Action.Read)) return notFound()
  if (!can(role, action)) return forbidden(refusal)
  return { ok: true, value: true }
}

async function changed(deps: CommentDeps, documentId: string, threadId: string, actorId: string, change: CommentChange) {
  await commentChanged(deps, { documentId, threadId, actorId, change })
}

async function threadOrNotFound(db: Db, documentId: string, threadId: string): Promise<CommentResult<CommentThread>> {
  const thread = await comments.getThread(db, documentId, threadId)
  return thread ? { ok: true, value: thread } : notFound(NO_THREAD)
}

export async function listThreads({ db }: CommentDeps, actorId: string, documentId: string): Promise<CommentResult<CommentThread[]>> {
  const check = await roleCheck(db, documentId, actorId, Action.Read)
  if (!check.ok) return check
  return { ok: true, value: await comments.listThreads(db, documentId) }
}

export async function getThread({ db }: CommentDeps, actorId: string, documentId: string, threadId: string): Promise<CommentResult<CommentThread>> {
  const check = await roleCheck(db, documentId, actorId, Action.Read)
  if (!check.ok) return check
  return threadOrNotFound(db, documentId, threadId)
}

export async function createThread(deps: CommentDeps, actorId: string, documentId: string, input: unknown): Promise<CommentResult<CommentThread>> {
  const check = await roleCheck(deps.db, documentId, actorId, Action.Comment)
  if (!check.ok) return check
  const parsed = parse(newThreadSchema, input)
  if (!parsed.ok) return invalid(parsed.error)
  const { anchor, quote, body, mentions } = parsed.value
  if (!isAnchor(anchor)) return invalid('anchor: not a Yjs relative position')
  const { threadId } = await comments.insertThread(deps.db, { documentId, authorId: actorId, anchor, quote, body })
  await changed(deps, documentId, threadId, actorId, 'created')
  await notifyComment(deps, { documentId, threadId, actorId, body, mentions: mentions ?? [], isReply: false })
  return threadOrNotFound(deps.db, documentId, threadId)
}

export async function reply(deps: CommentDeps, actorId: string, documentId: string, threadId: string, input: unknown): Promise<CommentResult<CommentThread>> {
  const check = await roleCheck(deps.db, documentId, actorId, Action.Comment)
  if (!check.ok) return check
  const parsed = parse(commentTextSchema, input)
  if (!parsed.ok) return invalid(parsed.error)
  if (!(await comments.threadExists(deps.db, documentId, threadId))) return notFound(NO_THREAD)
  await comments.insertReply(deps.db, { documentId, threadId, authorId: actorId, body: parsed.value.body })
  await changed(deps, documentId, threadId, actorId, 'replied')
  await notifyComment(deps, { documentId, threadId, actorId, body: parsed.value.body, mentions: parsed.value.mentions ?? [], isReply: true })
  return threadOrNotFound(deps.db, documentId, threadId)
}

export async function setResolved(deps: CommentDeps, actorId: string, documentId: string, threadId: string, input: unknown): Promise<CommentResult<CommentThread>> {
  const check = await roleCheck(deps.db, documentId, actorId, Action.Comment)
  if (!check.ok) return check
  const parsed = parse(threadStateSchema, input)
  if (!parsed.ok) return invalid(parsed.error)
  if (!(await comments.threadExists(deps.db, documentId, threadId))) return notFound(NO_THREAD)
  await comments.setThreadResolved(deps.db, threadId, parsed.value.resolved ? actorId : null)
  await changed(deps, documentId, threadId, actorId, parsed.value.resolved ? 'resolved' : 'reopened')
  return threadOrNotFound(deps.db, documentId, threadId)
}

/**
 * Moves a thread's anchor (COMMENTS-20): the editor that changed the text sends the range it mapped when
 * y-prosemirror rewrote the commented words as new Yjs items. Only those who may change the text may move
 * an anchor (editors, the owner): a commenter or viewer gets 403, a stranger 404.
 */
export async function moveAnchor(deps: CommentDeps, actorId: string, documentId: string, threadId: string, input: unknown): Promise<CommentResult<CommentThread>> {
  const check = await roleCheck(deps.db, documentId, actorId, Action.Write, 'Only people who may edit this document can move a comment’s anchor.')
  if (!check.ok) return check
  const parsed = parse(threadAnchorSchema, input)
  if (!parsed.ok) return invalid(parsed.error)
  const { anchor } = parsed.value
  if (!isAnchor(anchor)) return invalid('anchor: not a Yjs relative position')
  if (!(await comments.threadExists(deps.db, documentId, threadId))) return notFound(NO_THREAD)
  await comments.setThreadAnchor(deps.db, threadId, anchor)
  await changed(deps, documentId, threadId, actorId, 'moved')
  return threadOrNotFound(deps.db, documentId, threadId)
}

/** PATCH on a thread: `{ resolved }` resolves or reopens it, `{ anchor }` moves its anchor. */
export async function updateThread(deps: CommentDeps, actorId: string, documentId: string, threadId: string, input: unknown): Promise<CommentResult<CommentThread>> {
  const fields = input && typeof input === 'object' ? Object.keys(input) : []
  if (fields.includes('anchor') && fields.includes('resolved')) return invalid('request: send either resolved or anchor, not both')
  return fields.includes('anchor') ? moveAnchor(deps, actorId, documentId, threadId, input) : setResolved(deps, actorId, documentId, threadId, input)
}

export async function editComment(deps: CommentDeps, actorId: string, documentId: string, commentId: string, input: unknown): Promise<CommentResult<CommentThread>> {
  const check = await roleCheck(deps.db, documentId, actorId, Action.Comment)
  if (!check.ok) return check
  const parsed = parse(commentTextSchema, input)
  if (!parsed.ok) return invalid(parsed.error)
  const comment = await comments.findComment(deps.db, documentId, commentId)
  if (!comment) return notFound(NO_COMMENT)
  if (comment.authorId !== actorId) return forbidden('Only its author can edit a comment.')
  await comments.updateCommentBody(deps.db, commentId, parsed.value.body)
  await changed(deps, documentId, comment.threadId, actorId, 'edited')
  return threadOrNotFound(deps.db, documentId, comment.threadId)
}

/** Returns the thread as it is now, or null when deleting the opening comment took the thread with it. */
export async function deleteComment(deps: CommentDeps, actorId: string, documentId: string, commentId: string): Promise<CommentResult<CommentThread | null>> {
  const role = await documents.getRole(deps.db, documentId, actorId)
  if (!can(role, Action.Read)) return notFound()
  if (!can(role, Action.Comment)) return forbidden(VIEWERS_CANNOT)
  const comment = await comments.findComment(deps.db, documentId, commentId)
  if (!comment) return notFound(NO_COMMENT)
  if (comment.authorId !== actorId && !can(role, Action.ModerateComments)) return forbidden('Only its author or the document’s owner can delete a comment.')
  if (comment.opensThread) await comments.deleteThreadRow(deps.db, comment.threadId)
  else await comments.deleteCommentRow(deps.db, commentId)
  await changed(deps, documentId, comment.threadId, actorId, comment.opensThread ? 'deleted' : 'reply-deleted')
  if (comment.opensThread) return { ok: true, value: null }
  return threadOrNotFound(deps.db, documentId, comment.threadId)
}

/** The people with access to the document, for the composer's `@` suggestions: names only. */
export async function mentionCandidates({ db }: CommentDeps, actorId: string, documentId: string): Promise<CommentResult<{ id: string; name: string }[]>> {
  const check = await roleCheck(db, documentId, actorId, Action.Comment)
  if (!check.ok) return check
  const members = await listMembers(db, documentId)
  return { ok: true, value: members.filter((m) => m.userId !== actorId).map((m) => ({ id: m.userId, name: m.name })) }
}
