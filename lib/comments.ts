/**
 * Comment threads as the web app's API returns them and the editor shows
 * them (issue 16). Shared by the server (app/_data/comments.ts) and the
 * browser (components/editor/comments/). No zod here: the editor's bundle
 * imports this file, and the request schemas (with zod) live on the server,
 * in app/_data/commentSchemas.ts.
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

/** Someone a comment can mention: GET /api/docs/<id>/people. */
export interface MentionCandidate {
  id: string
  name: string
}

/** Open threads first in the panel, then resolved ones under "Resolved". */
export function splitByResolved(threads: CommentThread[]): { open: CommentThread[]; resolved: CommentThread[] } {
  return { open: threads.filter((t) => !t.resolved), resolved: threads.filter((t) => t.resolved) }
}
