'use server'

import { getConfig } from '@/app/_data/config'
import { getDb } from '@/app/_data/db'
import { getRole } from '@/app/_data/documents'
import { NO_ACCESS, type Result } from '@/app/_data/operations'
import { Action, can } from '@/app/_data/policy'
import { getCurrentUser } from '@/app/_data/session'
import { SyncServerError } from '@/app/_data/syncError'
import { createSyncHistory, type HistoryActor, type SyncHistory, type VersionInfo } from '@/app/_data/syncHistory'
import { isValidDocId } from '@/lib/docId'

// Version history is for those who may write (editors and owners), as on the
// sync server. Every action re-checks the session and the role: a server
// action is a public POST endpoint, whatever the UI shows.

const SIGNED_OUT = { ok: false as const, error: 'You were signed out. Sign in again.' }
const NO_HISTORY = { ok: false as const, error: NO_ACCESS }
const UNREACHABLE = 'The history could not be reached. Please try again.'
const VERSION_ID = /^[1-9][0-9]{0,14}$/

async function withHistory<T>(documentId: string, work: (history: SyncHistory, actor: HistoryActor) => Promise<T>): Promise<Result<T>> {
  const user = await getCurrentUser()
  if (!user) return SIGNED_OUT
  if (!isValidDocId(documentId)) return NO_HISTORY
  if (!can(await getRole(await getDb(), documentId, user.id), Action.Write)) return NO_HISTORY
  const config = getConfig()
  const history = createSyncHistory({ baseUrl: config.syncHttpUrl, secret: config.authSecret })
  try {
    return { ok: true, value: await work(history, { id: user.id, name: user.name }) }
  } catch (error) {
    if (error instanceof SyncServerError && error.status === 404) return { ok: false, error: 'That version no longer exists.' }
    console.error('version history call failed', error)
    return { ok: false, error: UNREACHABLE }
  }
}

export async function listVersionsAction(documentId: string): Promise<Result<VersionInfo[]>> {
  return withHistory(documentId, (history, actor) => history.list(documentId, actor, { limit: 100 }))
}

/** A version's state as base64 (one Yjs update), for the read-only preview. */
export async function versionStateAction(documentId: string, versionId: string): Promise<Result<string>> {
  if (!VERSION_ID.test(String(versionId))) return NO_HISTORY
  return withHistory(documentId, async (history, actor) => Buffer.from(await history.state(documentId, actor, versionId)).toString('base64'))
}

export async function nameVersionAction(documentId: string, label: string): Promise<Result<VersionInfo>> {
  const trimmed = String(label ?? '').trim()
  if (trimmed.length < 1 || trimmed.length > 100) return { ok: false, error: 'A name is 1 to 100 characters.' }
  return withHistory(documentId, (history, actor) => history.name(documentId, actor, trimmed))
}

export async function restoreVersionAction(documentId: string, versionId: string): Promise<Result<VersionInfo>> {
  if (!VERSION_ID.test(String(versionId))) return NO_HISTORY
  return withHistory(documentId, (history, actor) => history.restore(documentId, actor, versionId))
}
