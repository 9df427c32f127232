'use client'

import { useEditorState, type Editor } from '@tiptap/react'
import { useSearchParams } from 'next/navigation'
import { useEffect, useId, useMemo, useRef, useState } from 'react'
import { LocalTime } from '@/components/documents/LocalTime'
import { primaryButton, secondaryButton } from '@/components/ui/buttonStyles'
import { MAX_COMMENT_LENGTH, splitByResolved, type CommentThread, type ThreadComment } from '@/lib/comments'
import { colorForUser } from '../engine/userColor'
import { commentApi, type ApiResult } from './commentApi'
import type { CommentDraft } from './commentDraft'
import { commentHighlightsKey, setCommentThreads, type ThreadRange } from './commentHighlights'
import { CommentText } from './CommentText'
import { EMPTY_MENTION_TEXT, MentionTextarea, type MentionText } from './MentionTextarea'
import { useAnchorMoves } from './useAnchorMoves'
import { ALIGNED_SLOT, useAlignedCards, useSideBySide } from './useAlignedCards'
import type { CommentThreadsState } from './useCommentThreads'

export interface CommentPermissions {
  selfId: string
  /** Commenters, editors and the owner; not viewers. */
  canComment: boolean
  /** The owner: may delete anyone's comment. */
  canModerate: boolean
}

const textareaClass = 'block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm focus:border-blue-600 focus:outline-none'

/** Where each thread's text is now, read from the highlight plugin; changes only when a range does. */
function useThreadRanges(editor: Editor | null): ReadonlyMap<string, ThreadRange> {
  const snapshot = useEditorState({
    editor,
    selector: ({ editor: e }) => {
      const ranges = e ? commentHighlightsKey.getState(e.state)?.ranges : undefined
      const key = ranges ? [...ranges].map(([id, r]) => `${id}:${r ? `${r.from}-${r.to}` : 'x'}`).join('|') : ''
      return { ranges: ranges ?? new Map<string, ThreadRange>(), key }
    },
    equalityFn: (a, b) => a?.key === b?.key,
  })
  return snapshot?.ranges ?? new Map()
}

/** The thread whose highlighted text holds the caret, if any. */
function useThreadAtCaret(editor: Editor | null, threads: CommentThread[], ranges: ReadonlyMap<string, ThreadRange>): string | null {
  const caret = useEditorState({ editor, selector: ({ editor: e }) => (e ? e.state.selection.from : -1) })
  if (caret === null || caret < 0) return null
  const open = threads.filter((t) => !t.resolved)
  const hit = open.find((t) => {
    const range = ranges.get(t.id)
    return range && caret >= range.from && caret <= range.to
  })
  return hit?.id ?? null
}

/**
 * The comments side panel (issue 16): the composer for a new thread, the
 * open threads in the order of their text (those whose text was deleted
 * last), and the resolved ones under "Resolved". Beside the text (wide
 * screens), each open card is placed at its text's height (useAlignedCards,
 * COMMENTS-21); under it (narrow), they are a plain list. Every change goes
 * to the server and comes back to everyone through `comment.changed`.
 */
export function CommentsPanel({
  documentId,
  editor,
  state,
  permissions,
  draft,
  onDraftClosed,
}: {
  documentId: string
  editor: Editor | null
  state: CommentThreadsState
  permissions: CommentPermissions
  draft: CommentDraft | null
  onDraftClosed(): void
}) {
  const threads = useMemo(() => state.threads ?? [], [state.threads])
  const ranges = useThreadRanges(editor)
  // Anchors this editor moved after its own change (COMMENTS-20) go to the server.
  useAnchorMoves(editor, documentId, state.put)
  const [selectedId, setSelectedId] = useState<string | null>(null)
  const caretThread = useThreadAtCaret(editor, threads, ranges)
  // A link to a thread (`?thread=<id>`) opens the document with it selected and scrolled to.
  const linked = useSearchParams()?.get('thread') ?? null
  const activeId = caretThread ?? selectedId ?? linked

  // Tell the highlight plugin the threads (open ones highlighted) and which is active.
  useEffect(() => {
    if (!editor || editor.isDestroyed) return
    const anchored = threads.map((t) => ({ id: t.id, anchor: t.anchor, highlight: !t.resolved }))
    editor.view.dispatch(setCommentThreads(editor.state, anchored, activeId))
  }, [editor, threads, activeId])

  const linkedLoaded = Boolean(linked && state.threads?.some((t) => t.id === linked))
  // Again once its text is found: beside the text, that is where its card goes.
  const linkedLocated = Boolean(linked && ranges.has(linked))
  useEffect(() => {
    if (linkedLoaded) document.getElementById(`thread-${linked}`)?.scrollIntoView({ block: 'center' })
  }, [linked, linkedLoaded, linkedLocated])

  const { open, resolved } = splitByResolved(threads)
  const position = (t: CommentThread) => ranges.get(t.id)?.from ?? Number.MAX_SAFE_INTEGER
  const openInTextOrder = [...open].sort((a, b) => position(a) - position(b))
  // Threads whose text is in the document are aligned beside it (side by side); the others are listed after them.
  const located = openInTextOrder.filter((t) => ranges.get(t.id))
  const unlocated = openInTextOrder.filter((t) => !ranges.get(t.id))
  const sideBySide = useSideBySide()
  const column = useRef<HTMLDivElement>(null)
  useAlignedCards({ editor, column, activeId, enabled: sideBySide })
  const card = (thread: CommentThread) => (
    <ThreadCard
      documentId={documentId}
      thread={thread}
      textDeleted={ranges.has(thread.id) && ranges.get(thread.id) === null}
      active={thread.id === activeId}
      permissions={permissions}
      onSelect={() => select(thread)}
      onChanged={(next) => state.put(thread.id, next)}
    />
  )

  function select(thread: CommentThread) {
    setSelectedId(thread.id)
    const range = ranges.get(thread.id)
    if (!editor || !range) return
    const dom = editor.view.domAtPos(range.from).node
    ;(dom instanceof Element ? dom : dom.parentElement)?.scrollIntoView({ block: 'center', behavior: 'smooth' })
  }

  return (
    <aside aria-label="Comments" className="w-full shrink-0 border-t border-slate-200 bg-slate-50 p-3 sm:w-80 sm:border-t-0 sm:border-l">
      <h2 className="mb-2 text-sm font-semibold text-slate-700">Comments</h2>
      {draft && permissions.canComment ? (
        <Composer
          documentId={documentId}
          draft={draft}
          onPosted={(thread) => {
            state.put(thread.id, thread)
            setSelectedId(thread.id)
            onDraftClosed()
          }}
          onCancel={onDraftClosed}
        />
      ) : null}
      {state.loadError ? (
        <p role="alert" className="mb-2 rounded-md bg-amber-50 px-2 py-1.5 text-sm text-amber-900">
          {state.loadError}
        </p>
      ) : null}
      {state.threads === null ? (
        state.loadError ? null : <p className="text-sm text-slate-500">Loading comments…</p>
      ) : (
        <>
          <section aria-label="Open comments">
            {openInTextOrder.length === 0 && !draft ? (
              <p className="text-sm text-slate-500">{permissions.canComment ? 'No comments yet. Select text and choose Comment.' : 'No comments yet.'}</p>
            ) : null}
            {/* Side by side, each card is moved to its text's height (useAlignedCards); the DOM keeps the text order. */}
            <div ref={column} className={sideBySide ? 'relative' : 'space-y-2'}>
              {located.map((thread) => (
                <div key={thread.id} {...{ [ALIGNED_SLOT]: thread.id }} className={sideBySide ? 'absolute inset-x-0' : undefined}>
                  {card(thread)}
                </div>
              ))}
            </div>
            {unlocated.length > 0 ? (
              <div className={`space-y-2 ${located.length > 0 ? 'mt-2' : ''}`}>
                {unlocated.map((thread) => (
                  <div key={thread.id}>{card(thread)}</div>
                ))}
              </div>
            ) : null}
          </section>
          {resolved.length > 0 ? (
            <section aria-label="Resolved" className="mt-4 space-y-2">
              <h3 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Resolved</h3>
              {resolved.map((thread) => (
                <ThreadCard
                  key={thread.id}
                  documentId={documentId}
                  thread={thread}
                  textDeleted={ranges.has(thread.id) && ranges.get(thread.id) === null}
                  active={false}
                  permissions={permissions}
                  onSelect={() => setSelectedId(thread.id)}
                  onChanged={(next) => state.put(thread.id, next)}
                />
              ))}
            </section>
          ) : null}
        </>
      )}
    </aside>
  )
}

/** Runs one API call for a form: busy while it runs, its error shown, true when it worked. */
function useSubmit() {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  async function submit<T>(call: () => Promise<ApiResult<T>>, done: (value: T) => void): Promise<boolean> {
    setBusy(true)
    setError('')
    try {
      const result = await call()
      if (!result.ok) {
        setError(result.error)
        return false
      }
      done(result.value)
      return true
    } finally {
      setBusy(false)
    }
  }
  return { busy, error, submit, setError }
}

function FormError({ error }: { error: string }) {
  return error ? (
    <p role="alert" className="rounded bg-red-50 px-2 py-1 text-sm text-red-800">
      {error}
    </p>
  ) : null
}

function Composer({ documentId, draft, onPosted, onCancel }: { documentId: string; draft: CommentDraft; onPosted(thread: CommentThread): void; onCancel(): void }) {
  const [text, setText] = useState<MentionText>(EMPTY_MENTION_TEXT)
  const { busy, error, submit } = useSubmit()
  const ref = useRef<HTMLTextAreaElement>(null)
  useEffect(() => ref.current?.focus(), [draft])
  return (
    <form
      aria-label="New comment"
      className="mb-3 space-y-2 rounded-md border border-blue-200 bg-white p-2 shadow-sm"
      onSubmit={(event) => {
        event.preventDefault()
        void submit(() => commentApi.create(documentId, { ...draft, body: text.body, mentions: text.mentions }), onPosted)
      }}
    >
      <blockquote className="line-clamp-2 border-l-2 border-amber-400 pl-2 text-xs text-slate-600">{draft.quote}</blockquote>
      <MentionTextarea ref={ref} documentId={documentId} label="Comment" value={text} onChange={setText} onEscape={onCancel} placeholder="Add a comment… (@ to mention)" />
      <FormError error={error} />
      <div className="flex gap-2">
        <button type="submit" className={primaryButton} disabled={busy || !text.body.trim()}>
          {busy ? 'Posting…' : 'Post'}
        </button>
        <button type="button" className={secondaryButton} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}

function ThreadCard({
  documentId,
  thread,
  textDeleted,
  active,
  permissions,
  onSelect,
  onChanged,
}: {
  documentId: string
  thread: CommentThread
  textDeleted: boolean
  active: boolean
  permissions: CommentPermissions
  onSelect(): void
  onChanged(thread: CommentThread | null): void
}) {
  const [reply, setReply] = useState<MentionText>(EMPTY_MENTION_TEXT)
  const { busy, error, submit } = useSubmit()
  const [opening] = thread.comments
  return (
    <article
      id={`thread-${thread.id}`}
      aria-label={`Comment thread on “${thread.quote}”`}
      aria-current={active ? 'true' : undefined}
      onClick={(event) => {
        if (!(event.target as Element).closest('button, textarea, a, input')) onSelect()
      }}
      className={`space-y-2 rounded-md border bg-white p-2 shadow-sm ${active ? 'border-amber-400 ring-1 ring-amber-300' : 'border-slate-200'}`}
    >
      {textDeleted ? (
        <div className="space-y-1">
          <p className="text-xs font-medium text-slate-600">The commented text was deleted</p>
          <blockquote className="border-l-2 border-slate-300 pl-2 text-xs text-slate-500 line-through">{thread.quote}</blockquote>
        </div>
      ) : (
        <blockquote className="line-clamp-2 border-l-2 border-amber-400 pl-2 text-xs text-slate-600">{thread.quote}</blockquote>
      )}
      {thread.resolved ? (
        <p className="text-xs text-slate-500">
          Resolved by {thread.resolved.by.name}, <LocalTime iso={thread.resolved.at} />
        </p>
      ) : null}
      <ol className="space-y-2">
        {thread.comments.map((comment) => (
          <CommentItem
            key={comment.id}
            documentId={documentId}
            comment={comment}
            opensThread={comment.id === opening?.id}
            permissions={permissions}
            onChanged={onChanged}
          />
        ))}
      </ol>
      {permissions.canComment ? (
        <div className="space-y-2 border-t border-slate-100 pt-2">
          {thread.resolved ? null : (
            <form
              aria-label="Reply"
              className="space-y-2"
              onSubmit={(event) => {
                event.preventDefault()
                void submit(() => commentApi.reply(documentId, thread.id, reply.body, reply.mentions), (next) => {
                  setReply(EMPTY_MENTION_TEXT)
                  onChanged(next)
                })
              }}
            >
              <MentionTextarea documentId={documentId} label="Reply" rows={1} value={reply} onChange={setReply} placeholder="Reply…" />
              {reply.body.trim() ? (
                <button type="submit" className={primaryButton} disabled={busy}>
                  {busy ? 'Replying…' : 'Reply'}
                </button>
              ) : null}
            </form>
          )}
          <FormError error={error} />
          <button
            type="button"
            className={secondaryButton}
            disabled={busy}
            onClick={() => void submit(() => commentApi.setResolved(documentId, thread.id, !thread.resolved), onChanged)}
          >
            {thread.resolved ? 'Reopen' : 'Resolve'}
          </button>
        </div>
      ) : null}
    </article>
  )
}

function CommentItem({
  documentId,
  comment,
  opensThread,
  permissions,
  onChanged,
}: {
  documentId: string
  comment: ThreadComment
  opensThread: boolean
  permissions: CommentPermissions
  onChanged(thread: CommentThread | null): void
}) {
  const [editing, setEditing] = useState(false)
  const [text, setText] = useState(comment.body)
  const { busy, error, submit } = useSubmit()
  const editId = useId()
  const own = comment.author.id === permissions.selfId
  const mayDelete = permissions.canComment && (own || permissions.canModerate)
  const color = comment.author.id ? colorForUser(comment.author.id) : '#64748b'
  return (
    <li aria-label={`Comment by ${comment.author.name}`} className="space-y-1">
      <div className="flex items-center gap-1.5 text-xs">
        <span aria-hidden className="inline-block h-2.5 w-2.5 shrink-0 rounded-full" style={{ backgroundColor: color }} />
        <span className="font-semibold" style={{ color }}>
          {comment.author.name}
        </span>
        <span className="text-slate-500">
          <LocalTime iso={comment.createdAt} />
          {comment.editedAt ? ' (edited)' : ''}
        </span>
      </div>
      {editing ? (
        <form
          aria-label="Edit comment"
          className="space-y-1"
          onSubmit={(event) => {
            event.preventDefault()
            void submit(() => commentApi.edit(documentId, comment.id, text), (next) => {
              setEditing(false)
              onChanged(next)
            })
          }}
        >
          <label htmlFor={editId} className="sr-only">
            Edit comment
          </label>
          <textarea id={editId} rows={3} maxLength={MAX_COMMENT_LENGTH} value={text} onChange={(event) => setText(event.target.value)} className={textareaClass} />
          <div className="flex gap-2">
            <button type="submit" className={primaryButton} disabled={busy || !text.trim()}>
              Save
            </button>
            <button type="button" className={secondaryButton} onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <CommentText text={comment.body} />
      )}
      <FormError error={error} />
      {!editing && (own || mayDelete) && permissions.canComment ? (
        <div className="flex gap-2 text-xs">
          {own ? (
            <button
              type="button"
              className="text-slate-600 underline hover:text-slate-900"
              onClick={() => {
                setText(comment.body)
                setEditing(true)
              }}
            >
              Edit
            </button>
          ) : null}
          {mayDelete ? (
            <button
              type="button"
              className="text-red-700 underline hover:text-red-900"
              disabled={busy}
              onClick={() => {
                const question = opensThread ? 'Delete this comment and its whole thread?' : 'Delete this comment?'
                if (!window.confirm(question)) return
                void submit(() => commentApi.remove(documentId, comment.id), (result) => onChanged(result.thread))
              }}
            >
              Delete
            </button>
          ) : null}
        </div>
      ) : null}
    </li>
  )
}
