import * as ops from '@/app/_data/commentOperations'
import { handleCommentRequest } from '@/app/_http/commentRoutes'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

type Context = { params: Promise<{ id: string; threadId: string }> }

/** POST /api/docs/<id>/threads/<threadId>/comments `{ body }`: a reply (201); answers with the whole thread. */
export async function POST(request: Request, context: Context) {
  const { id, threadId } = await context.params
  return handleCommentRequest(request, { documentId: id, recordId: threadId }, ({ userId, deps, body }) => ops.reply(deps, userId, id, threadId, body), {
    readBody: true,
    status: 201,
  })
}
