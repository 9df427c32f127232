import 'server-only'
import { z } from 'zod'
import { MAX_ANCHOR_LENGTH, MAX_COMMENT_LENGTH, MAX_QUOTE_LENGTH } from '@/lib/comments'

/**
 * The comment API's request bodies (issue 16), checked on the server only.
 * Kept apart from lib/comments.ts, which the browser also loads, so that zod never
 * reaches the editor's bundle.
 */

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

/** PATCH /api/docs/<id>/threads/<threadId> */
export const threadStateSchema = z.object({ resolved: z.boolean() })

/** PATCH /api/docs/<id>/threads/<threadId> `{ anchor }`: the editor that changed the text anchors the thread again (COMMENTS-20). */
export const threadAnchorSchema = z.object({ anchor: anchorSchema })
