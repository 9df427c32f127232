import { SyncStatus, syncStatusLabel, type ClosedReason, type LocalCopyState } from '../engine/syncStatus'

const DOT_CLASS: Record<SyncStatus, string> = {
  connecting: 'bg-amber-400 animate-pulse',
  connected: 'bg-blue-500',
  saved: 'bg-emerald-500',
  offline: 'bg-slate-400',
  closed: 'bg-red-500',
}

/** The connection state in words, with `data-sync-status` and `data-local-copy` for tests and scripts. */
export function SyncStatusBadge({
  status,
  closedReason,
  readOnly,
  viaHttp = false,
  localCopy,
}: {
  status: SyncStatus
  closedReason: ClosedReason | null
  readOnly: boolean
  viaHttp?: boolean
  localCopy: LocalCopyState | null
}) {
  return (
    <div
      role="status"
      data-sync-status={status}
      data-transport={viaHttp ? 'http' : 'websocket'}
      data-local-copy={localCopy ?? 'none'}
      className="flex min-w-0 items-center gap-1.5 text-sm text-slate-600"
    >
      <span aria-hidden className={`h-2 w-2 shrink-0 rounded-full ${DOT_CLASS[status]}`} />
      <span className="truncate">{syncStatusLabel(status, closedReason, readOnly, { viaHttp, localCopy })}</span>
    </div>
  )
}

export function ReadOnlyBadge() {
  return (
    <span className="rounded-full border border-slate-300 bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700">Read-only</span>
  )
}
