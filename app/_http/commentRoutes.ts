import 'server-only'
import { NextResponse } from 'next/server'
import type { CommentDeps, CommentResult } from '@/app/_data/commentOperations'
import { getDb } from '@/app/_data/db'
import { getLive } from '@/app/_data/events/live'
import { getCurrentUser } from '@/app/_data/session'
import { isValidDocId } from '@/lib/docId'
import { readJsonBody } from './cappedBody'
import { outgoingFor } from './publicOrigin'

/**
 * What every comment route (app/api/docs/[id]/threads, …/comments) shares:
 * the signed-in caller, ids of the right shape, a capped JSON body, and one
 * way of answering. 401 signed out; 404 for a malformed id (one answer with
 * "no access"); the use case's own 400/403/404 otherwise.
 */

/** A 10,000-character comment in JSON, escapes and all, with room to spare. */
const MAX_BODY_BYTES = 64 * 1024
const NO_STORE = { 'cache-control': 'no-store' }

/** Thread and comment ids are app/_data/ids.ts's newId(): anything else is looked up nowhere. */
export function isValidRecordId(id: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(id)
}

export interface CommentCaller {
  userId: string
  deps: CommentDeps
  /** The parsed JSON body (undefined for GET and DELETE). */
  body: unknown
}

export async function handleCommentRequest<T>(
  request: Request,
  ids: { documentId: string; recordId?: string },
  run: (caller: CommentCaller) => Promise<CommentResult<T>>,
  options: { readBody?: boolean; status?: number } = {},
): Promise<NextResponse> {
  const user = await getCurrentUser()
  if (!user) return NextResponse.json({ error: 'You were signed out. Sign in again.' }, { status: 401, headers: NO_STORE })
  if (!isValidDocId(ids.documentId) || (ids.recordId !== undefined && !isValidRecordId(ids.recordId))) {
    return NextResponse.json({ error: 'You don’t have access to this document.' }, { status: 404, headers: NO_STORE })
  }
  let body: unknown
  if (options.readBody) {
    const read = await readJsonBody(request, MAX_BODY_BYTES)
    if (!read.ok) return NextResponse.json({ error: read.error }, { status: read.status, headers: NO_STORE })
    body = read.value
  }
  const [db, live] = await Promise.all([getDb(), getLive()])
  const result = await run({ userId: user.id, deps: { db, bus: live.bus, mail: outgoingFor(request.headers) }, body })
  if (!result.ok) return NextResponse.json({ error: result.error }, { status: result.status, headers: NO_STORE })
  return NextResponse.json(result.value, { status: options.status ?? 200, headers: NO_STORE })
}
