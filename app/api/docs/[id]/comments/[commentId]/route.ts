import * as ops from '@/app/_data/commentOperations'
import { handleCommentRequest } from '@/app/_http/commentRoutes'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

type Context = { params: Promise<{ id: string; commentId: string }> }

/** PATCH /api/docs/<id>/comments/<commentId> `{ body }`: edit one's own comment; answers with its thread. */
export async function PATCH(request: Request, context: Context) {
  const { id, commentId } = await context.params
  return handleCommentRequest(request, { documentId: id, recordId: commentId }, ({ userId, deps, body }) => ops.editComment(deps, userId, id, commentId, body), {
    readBody: true,
  })
}

/**
 * DELETE /api/docs/<id>/comments/<commentId>: its author or the document's owner.
 * Answers `{ thread }`, null when the comment opened its thread (the thread went with it).
 */
export async function DELETE(request: Request, context: Context) {
  const { id, commentId } = await context.params
  return handleCommentRequest(request, { documentId: id, recordId: commentId }, async ({ userId, deps }) => {
    const result = await ops.deleteComment(deps, userId, id, commentId)
    return result.ok ? { ok: true, value: { thread: result.value } } : result
  })
}
