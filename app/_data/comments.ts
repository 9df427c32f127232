import 'server-only'
import type { CommentAuthor, CommentThread, ThreadComment } from '@/lib/comments'
import type { Db } from './db'
import { newId, nowIso } from './ids'

/**
 * Comment threads and their comments in the metadata database. No
 * permission checks here: commentOperations.ts checks the caller's role
 * before calling any of these.
 */

/** How an author whose account was deleted is shown. */
export const DELETED_AUTHOR = 'Deleted account'

function author(id: string | null, name: string | null): CommentAuthor {
  return id && name ? { id, name } : { id: null, name: DELETED_AUTHOR }
}

/** Every thread of a document with its comments, oldest thread first. */
export async function listThreads(db: Db, documentId: string): Promise<CommentThread[]> {
  return readThreads(db, documentId)
}

export async function getThread(db: Db, documentId: string, threadId: string): Promise<CommentThread | null> {
  return (await readThreads(db, documentId, threadId))[0] ?? null
}

async function readThreads(db: Db, documentId: string, threadId?: string): Promise<CommentThread[]> {
  let threadQuery = db
    .selectFrom('comment_threads')
    .leftJoin('users as resolver', 'resolver.id', 'comment_threads.resolved_by')
    .select([
      'comment_threads.id',
      'comment_threads.anchor_start',
      'comment_threads.anchor_end',
      'comment_threads.quote',
      'comment_threads.resolved_at',
      'comment_threads.resolved_by',
      'resolver.name as resolver_name',
      'comment_threads.created_at',
    ])
    .where('comment_threads.document_id', '=', documentId)
  let commentQuery = db
    .selectFrom('comments')
    .leftJoin('users', 'users.id', 'comments.author_id')
    .select(['comments.id', 'comments.thread_id', 'comments.author_id', 'users.name as author_name', 'comments.body', 'comments.created_at', 'comments.edited_at'])
    .where('comments.document_id', '=', documentId)
  if (threadId) {
    threadQuery = threadQuery.where('comment_threads.id', '=', threadId)
    commentQuery = commentQuery.where('comments.thread_id', '=', threadId)
  }
  const [threads, comments] = await Promise.all([
    threadQuery.orderBy('comment_threads.created_at').orderBy('comment_threads.id').execute(),
    commentQuery.orderBy('comments.created_at').orderBy('comments.id').execute(),
  ])
  const byThread = new Map<string, ThreadComment[]>()
  for (const c of comments) {
    const list = byThread.get(c.thread_id) ?? []
    list.push({ id: c.id, author: author(c.author_id, c.author_name), body: c.body, createdAt: c.created_at, editedAt: c.edited_at })
    byThread.set(c.thread_id, list)
  }
  return threads.map((t) => ({
    id: t.id,
    documentId,
    anchor: { start: t.anchor_start, end: t.anchor_end },
    quote: t.quote,
    resolved: t.resolved_at ? { at: t.resolved_at, by: author(t.resolved_by, t.resolver_name) } : null,
    createdAt: t.created_at,
    comments: byThread.get(t.id) ?? [],
  }))
}

export interface NewThread {
  documentId: string
  authorId: string
  anchor: { start: string; end: string }
  quote: string
  body: string
}

/** The thread and its opening comment, together or not at all. */
export async function insertThread(db: Db, input: NewThread): Promise<{ threadId: string; commentId: string }> {
  const threadId = newId()
  const commentId = newId()
  const at = nowIso()
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('comment_threads')
      .values({
        id: threadId,
        document_id: input.documentId,
        anchor_start: input.anchor.start,
        anchor_end: input.anchor.end,
        quote: input.quote,
        created_by: input.authorId,
        resolved_at: null,
        resolved_by: null,
        created_at: at,
      })
      .execute()
    await trx
      .insertInto('comments')
      .values({ id: commentId, thread_id: threadId, document_id: input.documentId, author_id: input.authorId, body: input.body, created_at: at, edited_at: null })
      .execute()
  })
  return { threadId, commentId }
}

export async function insertReply(db: Db, input: { documentId: string; threadId: string; authorId: string; body: string }): Promise<string> {
  const id = newId()
  await db
    .insertInto('comments')
    .values({ id, thread_id: input.threadId, document_id: input.documentId, author_id: input.authorId, body: input.body, created_at: nowIso(), edited_at: null })
    .execute()
  return id
}

/** A comment with what permission checks need: who wrote it, and whether it opens its thread. */
export interface CommentRef {
  id: string
  threadId: string
  authorId: string | null
  opensThread: boolean
}

export async function findComment(db: Db, documentId: string, commentId: string): Promise<CommentRef | null> {
  const row = await db
    .selectFrom('comments')
    .select(['id', 'thread_id', 'author_id'])
    .where('document_id', '=', documentId)
    .where('id', '=', commentId)
    .executeTakeFirst()
  if (!row) return null
  const first = await db
    .selectFrom('comments')
    .select('id')
    .where('thread_id', '=', row.thread_id)
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst()
  return { id: row.id, threadId: row.thread_id, authorId: row.author_id, opensThread: first?.id === row.id }
}

export async function threadExists(db: Db, documentId: string, threadId: string): Promise<boolean> {
  const row = await db.selectFrom('comment_threads').select('id').where('document_id', '=', documentId).where('id', '=', threadId).executeTakeFirst()
  return Boolean(row)
}

export async function updateCommentBody(db: Db, commentId: string, body: string): Promise<void> {
  await db.updateTable('comments').set({ body, edited_at: nowIso() }).where('id', '=', commentId).execute()
}

export async function deleteCommentRow(db: Db, commentId: string): Promise<void> {
  await db.deleteFrom('comments').where('id', '=', commentId).execute()
}

/** Deletes the thread and, by cascade, its replies. */
export async function deleteThreadRow(db: Db, threadId: string): Promise<void> {
  await db.deleteFrom('comment_threads').where('id', '=', threadId).execute()
}

export async function setThreadResolved(db: Db, threadId: string, resolvedBy: string | null): Promise<void> {
  await db
    .updateTable('comment_threads')
    .set(resolvedBy ? { resolved_at: nowIso(), resolved_by: resolvedBy } : { resolved_at: null, resolved_by: null })
    .where('id', '=', threadId)
    .execute()
}

/** A thread's new anchor (commentOperations.moveAnchor checks who may). */
export async function setThreadAnchor(db: Db, threadId: string, anchor: { start: string; end: string }): Promise<void> {
  await db.updateTable('comment_threads').set({ anchor_start: anchor.start, anchor_end: anchor.end }).where('id', '=', threadId).execute()
}

/** Everyone who wrote in the thread (for reply notifications). */
export async function threadParticipants(db: Db, threadId: string): Promise<string[]> {
  const rows = await db.selectFrom('comments').select('author_id').distinct().where('thread_id', '=', threadId).execute()
  return rows.flatMap((r) => (r.author_id ? [r.author_id] : []))
}

/** Open threads per document, for the document list. */
export async function countOpenThreads(db: Db, documentIds: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  // In chunks: well inside SQLite's and PostgreSQL's limits on bound parameters, however many documents.
  for (let i = 0; i < documentIds.length; i += 400) {
    const rows = await db
      .selectFrom('comment_threads')
      .select(['document_id', db.fn.countAll<number>().as('open')])
      .where('document_id', 'in', documentIds.slice(i, i + 400))
      .where('resolved_at', 'is', null)
      .groupBy('document_id')
      .execute()
    for (const row of rows) counts.set(row.document_id, Number(row.open))
  }
  return counts
}
