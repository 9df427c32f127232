'use client'

import { useCallback, useEffect, useRef, useState } from 'react'
import { dangerButton, primaryButton, secondaryButton } from '@/components/ui/buttonStyles'
import type { CollabSession } from '../engine/CollabSession'
import { watchPeople } from '../engine/presence'
import { colorForUser } from '../engine/userColor'
import { blocksOfState, diffBlocks, type BlockChange } from '../engine/versionDiff'
import type { HistoryActions, VersionInfo } from './actions'
import { ConfirmDialog } from '@/components/ui/ConfirmDialog'
import { ErrorAlert } from '@/components/ui/ErrorAlert'

/** How often the open panel asks for new versions (made by the server, or by someone else). */
const LIST_REFRESH_MS = 3000

export interface VersionPreviewState {
  version: VersionInfo
  changes: BlockChange[]
}

const KIND_WORDS: Record<VersionInfo['kind'], string> = { auto: 'Saved automatically', named: 'Named', restore: 'Restored' }

/** "Version history": the side panel listing versions, naming the current state, choosing one to preview. */
export function HistoryPanel({
  documentId,
  actions,
  session,
  selfId,
  selectedId,
  refreshKey,
  onSelect,
  onClose,
}: {
  documentId: string
  actions: HistoryActions
  /** For the caret colours of the people here now (they may differ from the default to stay distinct). */
  session: CollabSession | null
  selfId: string
  selectedId: string | null
  /** Bumped by the page after a restore: list again now. */
  refreshKey: number
  onSelect(preview: VersionPreviewState): void
  onClose(): void
}) {
  const [versions, setVersions] = useState<VersionInfo[] | null>(null)
  const [error, setError] = useState('')
  const [label, setLabel] = useState('')
  const [naming, setNaming] = useState(false)
  const [opening, setOpening] = useState<string | null>(null)
  const [liveColors, setLiveColors] = useState<ReadonlyMap<string, string>>(new Map())

  useEffect(() => {
    if (!session) return
    return watchPeople(session.provider.awareness, selfId, (people) => setLiveColors(new Map(people.map((person) => [person.id, person.color]))))
  }, [session, selfId])
  const colorOf = (sub: string) => liveColors.get(sub) ?? colorForUser(sub)

  const refresh = useCallback(async () => {
    const result = await actions.listVersions(documentId)
    if (result.ok) {
      setVersions(result.value)
      setError('')
    } else setError(result.error)
  }, [actions, documentId])

  useEffect(() => {
    let stopped = false
    const tick = () => {
      if (!stopped) void refresh().catch(() => setError('The history could not be reached. Please try again.'))
    }
    tick()
    const timer = setInterval(tick, LIST_REFRESH_MS)
    return () => {
      stopped = true
      clearInterval(timer)
    }
  }, [refresh, refreshKey])

  async function nameCurrent(event: React.FormEvent) {
    event.preventDefault()
    setNaming(true)
    try {
      const result = await actions.nameVersion(documentId, label)
      if (result.ok) {
        setLabel('')
        await refresh()
      } else setError(result.error)
    } finally {
      setNaming(false)
    }
  }

  async function open(version: VersionInfo, older: VersionInfo | undefined) {
    setOpening(version.id)
    try {
      const [current, previous] = await Promise.all([
        actions.versionState(documentId, version.id),
        older ? actions.versionState(documentId, older.id) : Promise.resolve(null),
      ])
      if (!current.ok) return setError(current.error)
      if (previous && !previous.ok) return setError(previous.error)
      const after = blocksOfState(fromBase64(current.value))
      const before = previous ? blocksOfState(fromBase64(previous.value)) : []
      onSelect({ version, changes: diffBlocks(before, after) })
    } finally {
      setOpening(null)
    }
  }

  return (
    <aside aria-label="Version history" className="w-full border-l border-slate-200 bg-slate-50 sm:w-80 sm:shrink-0">
      <div className="sticky top-0 flex max-h-screen flex-col gap-3 overflow-y-auto p-4">
        <div className="flex items-center justify-between">
          <h2 className="text-base font-semibold">Version history</h2>
          <button type="button" className={secondaryButton} onClick={onClose}>
            Close
          </button>
        </div>
        <form onSubmit={nameCurrent} className="flex gap-2">
          <label className="sr-only" htmlFor="version-label">
            Name for the current version
          </label>
          <input
            id="version-label"
            value={label}
            maxLength={100}
            onChange={(event) => setLabel(event.target.value)}
            placeholder="Name for the current version"
            className="min-w-0 flex-1 rounded-md border border-slate-300 px-2 py-1 text-sm"
          />
          <button type="submit" className={secondaryButton} disabled={naming || label.trim() === ''}>
            Name this version
          </button>
        </form>
        <ErrorAlert message={error} />
        {versions === null ? <p className="text-sm text-slate-500">Loading…</p> : null}
        {versions?.length === 0 ? <p className="text-sm text-slate-500">No versions yet. One is saved after a pause in editing.</p> : null}
        <ol aria-label="Versions" className="flex flex-col gap-2">
          {versions?.map((version, index) => (
            <li key={version.id}>
              <button
                type="button"
                onClick={() => void open(version, versions[index + 1])}
                aria-current={selectedId === version.id ? 'true' : undefined}
                disabled={opening !== null}
                data-version-id={version.id}
                className={`w-full rounded-md border px-3 py-2 text-left text-sm shadow-sm hover:bg-white ${
                  selectedId === version.id ? 'border-blue-600 bg-white' : 'border-slate-200 bg-slate-50'
                }`}
              >
                <span className="block font-medium">{version.label ?? KIND_WORDS[version.kind]}</span>
                <VersionTime iso={version.createdAt} />
                <span className="mt-1 flex flex-wrap gap-x-2" aria-label="Authors">
                  {version.authors.map((author) => (
                    <span key={author.sub} style={{ color: colorOf(author.sub) }} data-author-color={colorOf(author.sub)}>
                      {author.name ?? 'Someone'}
                    </span>
                  ))}
                </span>
              </button>
            </li>
          ))}
        </ol>
      </div>
    </aside>
  )
}

/** "5 minutes ago", with the exact time beside it in the reader's own zone. */
export function VersionTime({ iso }: { iso: string }) {
  const date = new Date(iso)
  return (
    <span className="block text-xs text-slate-600">
      {relativeTime(date)} · <time dateTime={iso}>{date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })}</time>
    </span>
  )
}

function relativeTime(date: Date): string {
  const seconds = Math.round((date.getTime() - Date.now()) / 1000)
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ['second', 60],
    ['minute', 60],
    ['hour', 24],
    ['day', 30],
    ['month', 12],
  ]
  let value = seconds
  for (const [unit, size] of steps) {
    if (Math.abs(value) < size) return format.format(value, unit)
    value = Math.round(value / size)
  }
  return format.format(value, 'year')
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** The version read-only in place of the editor, its changes since the previous version marked per block. */
export function VersionPreview({
  documentId,
  preview,
  restoreVersion,
  onBack,
  onRestored,
}: {
  documentId: string
  preview: VersionPreviewState
  restoreVersion: HistoryActions['restoreVersion']
  onBack(): void
  onRestored(): void
}) {
  const dialogRef = useRef<HTMLDialogElement>(null)
  const [pending, setPending] = useState(false)
  const [error, setError] = useState('')
  const { version, changes } = preview

  async function confirmRestore() {
    setPending(true)
    setError('')
    try {
      const result = await restoreVersion(documentId, version.id)
      if (result.ok) {
        dialogRef.current?.close()
        onRestored()
      } else setError(result.error)
    } catch {
      setError('Something went wrong. Please try again.')
    } finally {
      setPending(false)
    }
  }

  return (
    <section aria-label="Version preview" className="flex flex-col">
      <div role="status" className="flex flex-wrap items-center gap-3 border-b border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-950">
        <span className="flex-1">
          Viewing version of <time dateTime={version.createdAt}>{new Date(version.createdAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })}</time>
          {version.label ? ` (“${version.label}”)` : ''}
        </span>
        <button type="button" className={secondaryButton} onClick={onBack}>
          Back to current
        </button>
        <button type="button" className={primaryButton} onClick={() => dialogRef.current?.showModal()} aria-haspopup="dialog">
          Restore this version
        </button>
      </div>
      <div className="prose max-w-none px-6 py-4" data-testid="version-content">
        {changes.length === 0 ? <p className="text-slate-500">This version is empty.</p> : null}
        {changes.map((change, index) => (
          <PreviewBlock key={index} change={change} />
        ))}
      </div>
      <ConfirmDialog
        dialogRef={dialogRef}
        id="restore-dialog"
        title="Restore this version?"
        description="The document becomes this version for everyone editing it. The current text is kept in the history, so you can go back to it."
        error={error}
        onClose={() => setError('')}
        onConfirm={confirmRestore}
        pending={pending}
        confirmLabel="Confirm restore"
        pendingLabel="Restoring…"
        confirmClassName={`${dangerButton} bg-blue-700 text-white hover:bg-blue-800`}
      />
    </section>
  )
}

const CHANGE_STYLE: Record<BlockChange['kind'], string> = {
  same: '',
  inserted: 'bg-green-50 text-green-900 border-l-4 border-green-600 pl-2',
  deleted: 'bg-red-50 text-red-900 line-through border-l-4 border-red-600 pl-2',
}

function PreviewBlock({ change }: { change: BlockChange }) {
  const { block, kind } = change
  const Tag = block.type === 'heading' ? (`h${Math.min(Math.max(block.level ?? 1, 1), 6)}` as 'h1') : 'p'
  const content = kind === 'same' ? block.text : (
    <>
      <span className="sr-only">{kind === 'inserted' ? 'Inserted: ' : 'Deleted: '}</span>
      {block.text}
    </>
  )
  return (
    <Tag data-change={kind} className={`whitespace-pre-wrap ${CHANGE_STYLE[kind]}`}>
      {kind === 'inserted' ? <ins className="no-underline">{content}</ins> : kind === 'deleted' ? <del>{content}</del> : content}
    </Tag>
  )
}
