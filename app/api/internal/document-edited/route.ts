import { createHmac, timingSafeEqual } from 'node:crypto'
import { NextResponse } from 'next/server'
import { getConfig } from '@/app/_data/config'
import { getDeps } from '@/app/_data/deps'
import { touchDocument, getRole } from '@/app/_data/documents'
import * as documentEvents from '@/app/_data/events/documentEvents'
import { Action, can } from '@/app/_data/policy'
import { readCappedBody } from '@/app/_http/cappedBody'
import { isValidDocId } from '@/lib/docId'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/** A report is a few dozen bytes; anything much bigger is not one. */
const MAX_BODY_BYTES = 2_048
/** A report older (or further ahead) than this is refused: a captured one cannot be replayed later. */
const MAX_SKEW_MS = 5 * 60 * 1000

/**
 * POST /api/internal/document-edited: the sync server's edit reports
 * (docs/sync-protocol.md, "Edit reports"), signed with the shared
 * AUTH_SECRET. Each one bumps the document's "last edited" and, at most once
 * per 10 s per document, sends `document.edited` to everyone with access.
 * 401 for a missing or wrong signature, 400 for anything that is not a
 * fresh report, 204 otherwise.
 */
export async function POST(request: Request) {
  const body = await readCappedBody(request, MAX_BODY_BYTES)
  if (body === null) return NextResponse.json({ error: 'too-large' }, { status: 413 })
  if (!signatureMatches(getConfig().authSecret, body, request.headers.get('x-tandem-signature'))) {
    return NextResponse.json({ error: 'bad-signature' }, { status: 401 })
  }
  const report = parseReport(body)
  if (!report) return NextResponse.json({ error: 'bad-report' }, { status: 400 })
  const deps = await getDeps()
  // Access may have changed since the writer connected: report only edits someone may still make.
  if (can(await getRole(deps.db, report.documentId, report.userId), Action.Write)) {
    await touchDocument(deps.db, report.documentId)
    await documentEvents.edited(deps, report.documentId, report.userId, report.editedAt)
  }
  return new NextResponse(null, { status: 204 })
}

function signatureMatches(secret: string, body: string, header: string | null): boolean {
  if (!header) return false
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`)
  const given = Buffer.from(header)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

function parseReport(body: string): { documentId: string; userId: string; editedAt: number } | null {
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch {
    return null
  }
  const { documentId, userId, editedAt } = (value ?? {}) as Record<string, unknown>
  if (typeof documentId !== 'string' || !isValidDocId(documentId)) return null
  if (typeof userId !== 'string' || userId.length === 0 || userId.length > 256) return null
  const at = typeof editedAt === 'string' ? Date.parse(editedAt) : NaN
  if (!Number.isFinite(at) || Math.abs(Date.now() - at) > MAX_SKEW_MS) return null
  return { documentId, userId, editedAt: at }
}
