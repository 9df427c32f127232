import * as ops from '@/app/_data/commentOperations'
import { handleCommentRequest } from '@/app/_http/commentRoutes'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

type Context = { params: Promise<{ id: string; threadId: string }> }

/** GET /api/docs/<id>/threads/<threadId>: one thread, as the editor refetches it after a `comment.changed` event. */
export async function GET(request: Request, context: Context) {
  const { id, threadId } = await context.params
  return handleCommentRequest(request, { documentId: id, recordId: threadId }, ({ userId, deps }) => ops.getThread(deps, userId, id, threadId))
}

/** PATCH /api/docs/<id>/threads/<threadId> `{ resolved: boolean }`: Resolve or Reopen; `{ anchor: { start, end } }`: move its anchor (editors and the owner). */
export async function PATCH(request: Request, context: Context) {
  const { id, threadId } = await context.params
  return handleCommentRequest(request, { documentId: id, recordId: threadId }, ({ userId, deps, body }) => ops.updateThread(deps, userId, id, threadId, body), {
    readBody: true,
  })
}
