import { z } from 'zod'

/**
 * Comment threads as the web app's API returns them and the editor shows
 * them (issue 16). Shared by the server (app/_data/comments.ts) and the
 * browser (components/editor/comments/).
 */

/** A comment's text: plain text with line breaks, this long at most. */
export const MAX_COMMENT_LENGTH = 10_000
/** The commented words kept with a thread: longer selections keep their start. */
export const MAX_QUOTE_LENGTH = 500
/** An encoded Yjs relative position is a few dozen bytes; far more is not one. */
export const MAX_ANCHOR_LENGTH = 512

export interface CommentAuthor {
  /** Null once the account is deleted. */
  id: string | null
  name: string
}

export interface ThreadComment {
  id: string
  author: CommentAuthor
  body: string
  /** ISO-8601. */
  createdAt: string
  editedAt: string | null
}

export interface CommentThread {
  id: string
  documentId: string
  /** Base64 of Y.encodeRelativePosition, start and end of the commented range. */
  anchor: { start: string; end: string }
  quote: string
  resolved: { at: string; by: CommentAuthor } | null
  createdAt: string
  /** The first is the thread's opening comment; replies follow, oldest first. */
  comments: ThreadComment[]
}

const base64 = /^[A-Za-z0-9+/]+={0,2}$/

export const anchorSchema = z.object({
  start: z.string().min(1).max(MAX_ANCHOR_LENGTH).regex(base64, 'not base64'),
  end: z.string().min(1).max(MAX_ANCHOR_LENGTH).regex(base64, 'not base64'),
})

export const commentBodySchema = z
  .string()
  .transform((body) => body.replace(/\r\n?/g, '\n').trim())
  .pipe(z.string().min(1, 'Write something first.').max(MAX_COMMENT_LENGTH, `A comment is at most ${MAX_COMMENT_LENGTH.toLocaleString('en')} characters.`))

/** Who the composer says a comment mentions (user ids); the server keeps those whose `@Name` is in the text. */
export const mentionsSchema = z.array(z.string().min(1).max(64)).max(50).optional()

/** POST /api/docs/<id>/threads */
export const newThreadSchema = z.object({
  anchor: anchorSchema,
  quote: z.string().max(MAX_QUOTE_LENGTH * 4).transform((quote) => quote.slice(0, MAX_QUOTE_LENGTH)),
  body: commentBodySchema,
  mentions: mentionsSchema,
})

/** POST /api/docs/<id>/threads/<threadId>/comments, and PATCH /api/docs/<id>/comments/<commentId> */
export const commentTextSchema = z.object({ body: commentBodySchema, mentions: mentionsSchema })

/** Someone a comment can mention: GET /api/docs/<id>/people. */
export interface MentionCandidate {
  id: string
  name: string
}

/** PATCH /api/docs/<id>/threads/<threadId> */
export const threadStateSchema = z.object({ resolved: z.boolean() })

/** Open threads first in the panel, then resolved ones under "Resolved". */
export function splitByResolved(threads: CommentThread[]): { open: CommentThread[]; resolved: CommentThread[] } {
  return { open: threads.filter((t) => !t.resolved), resolved: threads.filter((t) => t.resolved) }
}
