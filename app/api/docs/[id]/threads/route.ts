import * as ops from '@/app/_data/commentOperations'
import { handleCommentRequest } from '@/app/_http/commentRoutes'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

type Context = { params: Promise<{ id: string }> }

/** GET /api/docs/<id>/threads: every comment thread of the document (README, "Comments"). Needs read access. */
export async function GET(request: Request, context: Context) {
  const { id } = await context.params
  return handleCommentRequest(request, { documentId: id }, ({ userId, deps }) => ops.listThreads(deps, userId, id))
}

/** POST /api/docs/<id>/threads `{ anchor: { start, end }, quote, body }`: a new thread (201). Commenters, editors, the owner. */
export async function POST(request: Request, context: Context) {
  const { id } = await context.params
  return handleCommentRequest(request, { documentId: id }, ({ userId, deps, body }) => ops.createThread(deps, userId, id, body), {
    readBody: true,
    status: 201,
  })
}
