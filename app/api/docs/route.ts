import { NextResponse } from 'next/server'
import { z } from 'zod'
import { apiCaller, NO_STORE, refuse } from '@/app/_data/apiCaller'
import { MAX_IMPORT_BYTES } from '@/app/_data/convert/formats'
import { fromMarkdown } from '@/app/_data/convert/markdown'
import { firstHeading } from '@/app/_data/convert/schema'
import { getDb } from '@/app/_data/db'
import { getSyncContent } from '@/app/_data/deps'
import { listDocumentsForUser, MAX_TITLE_LENGTH } from '@/app/_data/documents'
import { SyncServerError } from '@/app/_data/syncError'
import { createDocumentWithContent } from '@/app/_data/transfer'
import { readCappedBody } from '@/app/_http/cappedBody'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/**
 * GET /api/docs: the documents the caller can read, most recently edited
 * first. Session cookie or a personal access token (`read`).
 */
export async function GET(request: Request) {
  const caller = await apiCaller(request, 'read')
  if (!caller.ok) return caller.response
  const documents = await listDocumentsForUser(await getDb(), caller.user.id)
  return NextResponse.json({ documents }, { headers: NO_STORE })
}

const createSchema = z
  .object({
    title: z.string().max(MAX_TITLE_LENGTH).optional(),
    markdown: z.string().max(MAX_IMPORT_BYTES).default(''),
  })
  .strict()

/**
 * POST /api/docs with `{"title", "markdown"}`: a new document owned by the
 * caller, made from the Markdown. Title optional: the first heading, else
 * "Untitled". A token needs the `create` scope. 201 with the document's id
 * and URL path; 400 for a body that is not that shape; 413 over 10 MB.
 */
export async function POST(request: Request) {
  const caller = await apiCaller(request, 'create')
  if (!caller.ok) return caller.response
  const bytes = await readCappedBody(request, MAX_IMPORT_BYTES + 64 * 1024)
  if (bytes === null) return refuse(413, 'too-large', 'The body is larger than 10 MB.').response
  let parsed: z.infer<typeof createSchema>
  try {
    parsed = createSchema.parse(JSON.parse(bytes.toString('utf8')))
  } catch {
    return refuse(400, 'bad-body', `Expected JSON {"title": "<up to ${MAX_TITLE_LENGTH} characters>", "markdown": "<text>"}.`).response
  }
  const content = fromMarkdown(parsed.markdown)
  const title = parsed.title?.trim() || firstHeading(content) || 'Untitled'
  try {
    const row = await createDocumentWithContent({ db: await getDb(), content: getSyncContent() }, caller.user, { title, content })
    return NextResponse.json({ id: row.id, title: row.title, path: `/d/${row.id}` }, { status: 201, headers: NO_STORE })
  } catch (error) {
    if (error instanceof SyncServerError) {
      console.error(`create from markdown: ${error.message}`)
      return refuse(502, 'sync-unavailable', 'The document could not be stored. Nothing was created; try again.').response
    }
    throw error
  }
}
