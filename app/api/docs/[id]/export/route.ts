import { NextResponse } from 'next/server'
import { apiCaller, NO_STORE, refuse } from '@/app/_data/apiCaller'
import { EXPORT_FORMATS, isExportFormat } from '@/app/_data/convert/formats'
import { getDb } from '@/app/_data/db'
import { getSyncContent } from '@/app/_data/deps'
import { SyncServerError } from '@/app/_data/syncError'
import { exportDocument } from '@/app/_data/transfer'
import { isValidDocId } from '@/lib/docId'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

const FORMATS = Object.keys(EXPORT_FORMATS).join(', ')

/**
 * GET /api/docs/<id>/export?format=md|html|docx|txt: the stored document as a
 * file (README, "API for scripts"). Session cookie or a personal access
 * token. 400 for a missing or unknown format, 401 without credentials, 404
 * when the caller cannot read the document or it does not exist (one
 * answer, so ids cannot be probed), 502 when the sync server cannot be read.
 */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }) {
  const { id } = await context.params
  const format = new URL(request.url).searchParams.get('format')
  if (!isExportFormat(format)) return refuse(400, 'bad-format', `format must be one of ${FORMATS}.`).response
  const caller = await apiCaller(request, 'read')
  if (!caller.ok) return caller.response
  if (!isValidDocId(id)) return refuse(404, 'no-access', 'No such document, or you cannot read it.').response
  let file
  try {
    file = await exportDocument({ db: await getDb(), content: getSyncContent() }, caller.user.id, id, format)
  } catch (error) {
    // 410: deleted on the sync server a moment ago, its metadata not yet gone.
    if (error instanceof SyncServerError && error.status === 410) return refuse(404, 'no-access', 'No such document, or you cannot read it.').response
    if (error instanceof SyncServerError) {
      console.error(`export of ${id}: ${error.message}`)
      return refuse(502, 'sync-unavailable', 'The document could not be read from the sync server. Try again.').response
    }
    throw error
  }
  if (!file) return refuse(404, 'no-access', 'No such document, or you cannot read it.').response
  return new NextResponse(file.body as Uint8Array<ArrayBuffer>, {
    headers: {
      ...NO_STORE,
      'content-type': file.contentType,
      'content-disposition': file.disposition,
      'x-content-type-options': 'nosniff',
    },
  })
}
