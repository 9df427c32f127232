import * as ops from '@/app/_data/commentOperations'
import { handleCommentRequest } from '@/app/_http/commentRoutes'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

type Context = { params: Promise<{ id: string }> }

/** GET /api/docs/<id>/people: `[{id, name}]`, everyone else with access, for `@` mentions. Those who may comment only. */
export async function GET(request: Request, context: Context) {
  const { id } = await context.params
  return handleCommentRequest(request, { documentId: id }, ({ userId, deps }) => ops.mentionCandidates(deps, userId, id))
}
