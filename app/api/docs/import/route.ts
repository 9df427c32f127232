import { NextResponse } from 'next/server'
import { apiCaller, NO_STORE, refuse } from '@/app/_data/apiCaller'
import { importFile, ImportError, MAX_IMPORT_BYTES } from '@/app/_data/convert/formats'
import { getDb } from '@/app/_data/db'
import { getSyncContent } from '@/app/_data/deps'
import { SyncServerError } from '@/app/_data/syncError'
import { createDocumentWithContent } from '@/app/_data/transfer'
import { readCappedBody } from '@/app/_http/cappedBody'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/**
 * POST /api/docs/import?name=<file name>: one file (the raw bytes as the
 * body) becomes one new document of the caller's, titled from its first
 * heading or its name. The document list's Import sends each chosen or
 * dropped file here in turn. 201 with the id; 400 with a message for a file
 * that cannot be read (nothing is created); 413 over 10 MB.
 */
export async function POST(request: Request) {
  const caller = await apiCaller(request, 'create')
  if (!caller.ok) return caller.response
  const name = new URL(request.url).searchParams.get('name')?.trim()
  if (!name || name.length > 255) return refuse(400, 'bad-name', 'Say the file name: ?name=<file name>.').response
  const bytes = await readCappedBody(request, MAX_IMPORT_BYTES)
  if (bytes === null) return refuse(413, 'too-large', `${name} is larger than 10 MB.`).response
  try {
    const imported = await importFile(name, bytes)
    const row = await createDocumentWithContent({ db: await getDb(), content: getSyncContent() }, caller.user, imported)
    return NextResponse.json({ id: row.id, title: row.title, path: `/d/${row.id}` }, { status: 201, headers: NO_STORE })
  } catch (error) {
    if (error instanceof ImportError) return refuse(400, 'unreadable', error.message).response
    if (error instanceof SyncServerError) {
      // 413: the document is larger than the sync server takes in one update.
      if (error.status === 413) return refuse(413, 'too-large', `${name} makes a document larger than the server accepts.`).response
      console.error(`import of ${name}: ${error.message}`)
      return refuse(502, 'sync-unavailable', `${name} could not be stored. Nothing was created; try again.`).response
    }
    throw error
  }
}
