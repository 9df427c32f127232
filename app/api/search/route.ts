import { NextResponse } from 'next/server'
import { apiCaller, NO_STORE, refuse } from '@/app/_data/apiCaller'
import { getDb } from '@/app/_data/db'
import { searchDocuments } from '@/app/_data/search/searchIndex'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

const MAX_QUERY_LENGTH = 500

/**
 * GET /api/search?q=<words>: the documents the caller can read whose title
 * or text holds every word (each as a prefix), best first, at most 20, each
 * with a snippet as parts (`{text, match}`) to render without HTML. Session
 * cookie or a personal access token (`read`). 400 for a missing or overlong q.
 */
export async function GET(request: Request) {
  const caller = await apiCaller(request, 'read')
  if (!caller.ok) return caller.response
  const q = new URL(request.url).searchParams.get('q')
  if (q === null || q.length > MAX_QUERY_LENGTH) return refuse(400, 'bad-query', `Say what to look for: ?q=<up to ${MAX_QUERY_LENGTH} characters>.`).response
  const results = await searchDocuments(await getDb(), caller.user.id, q)
  return NextResponse.json({ results }, { headers: NO_STORE })
}
