'use client'

import type { Editor } from '@tiptap/react'
import dynamic from 'next/dynamic'
import Link from 'next/link'
import { useEffect, useRef, useState } from 'react'
import { secondaryButton } from '@/components/ui/buttonStyles'
import { Action, can } from '@/lib/policy'
import type { TokenAccess } from '@/lib/access'
import type { Role } from '@/lib/roles'
import type { DocumentActions, HistoryActions, SharingActions } from './actions'
import type { CollabSession, CollabSnapshot } from '../engine/CollabSession'
import { CollabEditorContent, useCollabEditor } from './CollabEditor'
import { CommentsPanel, type CommentPermissions } from '../comments/CommentsPanel'
import { draftFromSelection, isCommentShortcut, type CommentDraft } from '../comments/commentDraft'
import { useCommentThreads } from '../comments/useCommentThreads'
import { DeleteDocumentButton } from './DeleteDocumentButton'
import { ExportMenu } from './ExportMenu'
import { EditorSkeleton } from './EditorSkeleton'
import type { VersionPreviewState } from './HistoryPanel'
import { PresenceList } from './PresenceList'
import type { PresenceUser } from '../engine/presence'
import { ShareButton } from './ShareDialog'
import { ReadOnlyBadge, SyncStatusBadge } from './SyncStatusBadge'
import { closedReasonMessage, SyncStatus } from '../engine/syncStatus'
import { TitleField } from './TitleField'
import { Toolbar } from './Toolbar'
import { useCollabSession, useCollabSnapshot } from './useCollabSession'
import { useDistinctColor } from './useDistinctColor'
import { useLeaveWarning } from './useLeaveWarning'
import { useLocalCopyRecord } from './useLocalCopyRecord'
import { useMarkEdited } from './useMarkEdited'

// Version history opens on demand: its code (the panel, the preview and the block diff) loads then,
// not with the editor, whose first load has a budget (bench scenario W, issue 11).
const HistoryPanel = dynamic(() => import('./HistoryPanel').then((module) => module.HistoryPanel), {
  // aria-live, not role="status": the page's one status is the sync status.
  loading: () => (
    <p aria-live="polite" className="w-full border-l border-slate-200 bg-slate-50 p-4 text-sm text-slate-600 sm:w-80 sm:shrink-0">
      Loading version history…
    </p>
  ),
})
const VersionPreview = dynamic(() => import('./HistoryPanel').then((module) => module.VersionPreview))

export interface DocumentWorkspaceProps {
  documentId: string
  initialTitle: string
  role: Role
  access: TokenAccess
  user: PresenceUser
  sync: { url: string | null; port: number }
  /** Server actions, passed in by the page. */
  actions: DocumentActions
  /** Only for the owner, who may share. */
  sharingActions: SharingActions | null
  /** For editors and owners, who may see and restore versions. */
  historyActions: HistoryActions | null
  /** The comments panel, kept live from the user's event stream after event `after` (absent offline). */
  comments?: { after: number } | null
}

/**
 * The editor page's interactive part. The server renders it with no session
 * (a skeleton where the text goes); once mounted, it opens the session and
 * swaps in the live workspace, keyed on the session so a new one starts clean.
 */
export function DocumentWorkspace(props: DocumentWorkspaceProps) {
  const session = useCollabSession({
    documentId: props.documentId,
    syncUrl: props.sync.url,
    syncPort: props.sync.port,
    initialAccess: props.access,
    userId: props.user.id,
  })
  if (!session) return <WorkspaceLayout {...props} session={null} editor={null} snapshot={null} />
  return <LiveWorkspace key={session.doc.guid} {...props} session={session} />
}

function LiveWorkspace(props: DocumentWorkspaceProps & { session: CollabSession }) {
  const snapshot = useCollabSnapshot(props.session)
  const editor = useCollabEditor(props.session, props.user, snapshot.writable)
  useMarkEdited(props.session, props.documentId, snapshot.writable, props.actions.markEdited)
  useDistinctColor(props.session, props.user)
  return <WorkspaceLayout {...props} editor={editor} snapshot={snapshot} />
}

function WorkspaceLayout({
  documentId,
  initialTitle,
  role,
  user,
  session,
  editor,
  snapshot,
  actions,
  sharingActions,
  historyActions,
  comments,
}: DocumentWorkspaceProps & { session: CollabSession | null; editor: Editor | null; snapshot: CollabSnapshot | null }) {
  const [title, setTitle] = useState(initialTitle)
  const [historyOpen, setHistoryOpen] = useState(false)
  const [preview, setPreview] = useState<VersionPreviewState | null>(null)
  const [historyRefresh, setHistoryRefresh] = useState(0)
  // Before the session exists, trust the role the page was rendered with, so a viewer never sees a toolbar flash by.
  const writable = snapshot ? snapshot.writable : can(role, Action.Write)
  const status = snapshot?.status ?? SyncStatus.Connecting
  const closedReason = snapshot?.closedReason ?? null
  const loaded = snapshot?.loaded ?? false
  useLeaveWarning(snapshot?.unsavedOnServer ?? false)
  useLocalCopyRecord(user, documentId, title, role, snapshot)
  const canComment = Boolean(comments) && can(role, Action.Comment)
  const [draft, setDraft] = useState<CommentDraft | null>(null)
  const [commentHint, setCommentHint] = useState('')
  function startComment() {
    if (!editor) return
    const result = draftFromSelection(editor)
    if (result.ok) {
      setDraft(result.draft)
      setCommentHint('')
    } else setCommentHint(result.error)
  }
  useCommentShortcut(canComment && editor !== null, startComment)

  return (
    <div className="flex min-h-screen flex-col">
      <header data-print="hide" className="sticky top-0 z-10 border-b border-slate-200 bg-white/95 backdrop-blur">
        <div className="flex flex-wrap items-center gap-x-3 gap-y-2 px-3 py-2 sm:px-4">
          <Link href="/" className="shrink-0 font-semibold text-blue-700">
            <span aria-hidden>← </span>Tandem
          </Link>
          <TitleField session={session} documentId={documentId} initialTitle={initialTitle} writable={writable} onTitleChange={setTitle} rename={actions.rename} />
          <div className="flex flex-wrap items-center gap-3">
            <SyncStatusBadge
              status={status}
              closedReason={closedReason}
              readOnly={!writable}
              viaHttp={snapshot?.viaHttp ?? false}
              localCopy={snapshot?.localCopy ?? null}
            />
            {!writable && status !== SyncStatus.Closed ? <ReadOnlyBadge /> : null}
            <PresenceList session={session} selfId={user.id} />
            <ExportMenu documentId={documentId} />
            {historyActions && can(role, Action.Write) ? (
              <button
                type="button"
                className={secondaryButton}
                aria-expanded={historyOpen}
                onClick={() => {
                  setHistoryOpen(!historyOpen)
                  setPreview(null)
                }}
              >
                Version history
              </button>
            ) : null}
            {role === 'owner' && sharingActions ? (
              <>
                <ShareButton documentId={documentId} title={title} actions={sharingActions} />
                <DeleteDocumentButton documentId={documentId} title={title} deleteDocument={actions.deleteDocument} />
              </>
            ) : null}
          </div>
        </div>
        {editor && (writable || canComment) ? (
          <div className="flex flex-wrap items-center border-t border-slate-100">
            <Toolbar editor={editor} formatting={writable} onComment={canComment ? startComment : undefined} />
            {/* aria-live, not role="status": the page's one status is the sync status. */}
            <p aria-live="polite" className="px-2 text-sm text-amber-800 empty:hidden">
              {commentHint}
            </p>
          </div>
        ) : null}
      </header>

      {closedReason ? (
        <div role="alert" data-print="hide" className="border-b border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
          {closedReasonMessage(closedReason)}.{' '}
          <Link href="/" className="font-medium underline">
            Back to your documents
          </Link>
        </div>
      ) : null}

      <div className="flex flex-1 flex-col sm:flex-row">
        <main data-print="page" className="mx-auto w-full max-w-3xl flex-1 bg-white shadow-sm sm:my-6 sm:rounded-lg">
          {/* Shown only in print (Export → PDF): the page has no header there. */}
          <h1 data-print="title" className="hidden">
            {title.trim() || 'Untitled'}
          </h1>
          {preview && historyActions ? (
            <VersionPreview
              documentId={documentId}
              preview={preview}
              restoreVersion={historyActions.restoreVersion}
              onBack={() => setPreview(null)}
              onRestored={() => {
                setPreview(null)
                setHistoryRefresh((n) => n + 1)
              }}
            />
          ) : null}
          {loaded || preview ? null : <EditorSkeleton />}
          {/* Mounted while hidden (loading, or a version shown in its place), so the content is ready when shown. */}
          <CollabEditorContent editor={editor} hidden={!loaded || preview !== null} />
        </main>
        {historyOpen && historyActions ? (
          <div data-print="hide" className="contents">
          <HistoryPanel
            documentId={documentId}
            actions={historyActions}
            session={session}
            selfId={user.id}
            selectedId={preview?.version.id ?? null}
            refreshKey={historyRefresh}
            onSelect={setPreview}
            onClose={() => {
              setHistoryOpen(false)
              setPreview(null)
            }}
          />
          </div>
        ) : comments ? (
          <div data-print="hide" className="contents">
          <LiveCommentsPanel
            documentId={documentId}
            after={comments.after}
            editor={editor}
            permissions={{ selfId: user.id, canComment, canModerate: can(role, Action.ModerateComments) }}
            draft={draft}
            onDraftClosed={() => setDraft(null)}
          />
          </div>
        ) : null}
      </div>
    </div>
  )
}

function LiveCommentsPanel({
  documentId,
  after,
  ...rest
}: {
  documentId: string
  after: number
  editor: Editor | null
  permissions: CommentPermissions
  draft: CommentDraft | null
  onDraftClosed(): void
}) {
  const state = useCommentThreads(documentId, after)
  return <CommentsPanel documentId={documentId} state={state} {...rest} />
}

/** Ctrl/Cmd+Alt+M anywhere on the page starts a comment on the editor's selection. */
function useCommentShortcut(enabled: boolean, start: () => void) {
  const latest = useRef(start)
  useEffect(() => {
    latest.current = start
  })
  useEffect(() => {
    if (!enabled) return
    const onKeyDown = (event: KeyboardEvent) => {
      if (!isCommentShortcut(event)) return
      event.preventDefault()
      latest.current()
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [enabled])
}
