'use server'

import { revalidatePath } from 'next/cache'
import { redirect } from 'next/navigation'
import { getDeps } from '@/app/_data/deps'
import { createDocument } from '@/app/_data/documents'
import * as ops from '@/app/_data/operations'
import { getCurrentUser } from '@/app/_data/session'
import { isValidDocId } from '@/lib/docId'

// Every action re-checks the session and the caller's role: a server action is
// a public POST endpoint, whatever the UI shows.

const SIGNED_OUT = { ok: false as const, error: 'You were signed out. Sign in again.' }
const BAD_ID = { ok: false as const, error: ops.NO_ACCESS }

/** "New document": creates one owned by the caller and opens it. */
export async function createDocumentAction(): Promise<void> {
  const user = await getCurrentUser()
  if (!user) redirect('/signin?callbackUrl=/')
  const { db } = await getDeps()
  const document = await createDocument(db, user.id)
  redirect(`/d/${document.id}`)
}

export async function renameDocumentAction(documentId: string, title: string): Promise<ops.Result<string>> {
  const user = await getCurrentUser()
  if (!user) return SIGNED_OUT
  if (!isValidDocId(documentId)) return BAD_ID
  return ops.rename(await getDeps(), user.id, documentId, String(title ?? ''))
}

/** Called, throttled, while a writer types: keeps the list's "last edited" honest. */
export async function markEditedAction(documentId: string): Promise<ops.Result> {
  const user = await getCurrentUser()
  if (!user) return SIGNED_OUT
  if (!isValidDocId(documentId)) return BAD_ID
  return ops.markEdited(await getDeps(), user.id, documentId)
}

export async function deleteDocumentAction(documentId: string): Promise<ops.Result> {
  const user = await getCurrentUser()
  if (!user) return SIGNED_OUT
  if (!isValidDocId(documentId)) return BAD_ID
  const result = await ops.deleteDocument(await getDeps(), user.id, documentId)
  if (result.ok) revalidatePath('/')
  return result
}
