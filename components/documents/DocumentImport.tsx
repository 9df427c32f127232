'use client'

import Link from 'next/link'
import { createContext, useContext, useRef, useState } from 'react'
import { secondaryButton } from '@/components/ui/buttonStyles'

/**
 * Import: files chosen with "Import files" or dropped onto the document list
 * become new documents, one `POST /api/docs/import` per file, in turn, with
 * progress while several go. A file the server cannot read is named with
 * the reason; nothing is created for it. The list is told to reload after.
 */
export const DOCUMENTS_CHANGED_EVENT = 'tandem:documents-changed'
const ACCEPT = '.md,.markdown,.html,.htm,.txt,.docx'
const ACCEPTED = /\.(md|markdown|html?|txt|docx)$/i
const MAX_BYTES = 10 * 1024 * 1024

type Outcome = { name: string; ok: true; id: string; title: string } | { name: string; ok: false; error: string }

interface ImportState {
  importFiles(files: File[]): void
  busy: boolean
}

const ImportContext = createContext<ImportState | null>(null)

function useImport(): ImportState {
  const state = useContext(ImportContext)
  if (!state) throw new Error('inside <DocumentImport> only')
  return state
}

async function importOne(file: File): Promise<Outcome> {
  if (!ACCEPTED.test(file.name)) return { name: file.name, ok: false, error: `${file.name}: only .md, .markdown, .html, .txt and .docx files can be imported.` }
  if (file.size > MAX_BYTES) return { name: file.name, ok: false, error: `${file.name} is larger than 10 MB.` }
  try {
    const response = await fetch(`/api/docs/import?name=${encodeURIComponent(file.name)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: file,
    })
    const body = (await response.json().catch(() => ({}))) as { id?: string; title?: string; message?: string }
    if (response.ok && body.id) return { name: file.name, ok: true, id: body.id, title: body.title ?? file.name }
    return { name: file.name, ok: false, error: body.message ?? `${file.name} could not be imported (${response.status}).` }
  } catch {
    return { name: file.name, ok: false, error: `${file.name} could not be sent: check your connection and try again.` }
  }
}

export function DocumentImport({ children }: { children: React.ReactNode }) {
  const [progress, setProgress] = useState<{ done: number; total: number; current: string } | null>(null)
  const [outcomes, setOutcomes] = useState<Outcome[]>([])
  const queue = useRef<Promise<void>>(Promise.resolve())

  function importFiles(files: File[]) {
    if (files.length === 0) return
    // A second batch waits for the first: one file at a time keeps the server's load and the progress simple.
    queue.current = queue.current.then(async () => {
      setOutcomes([])
      const results: Outcome[] = []
      for (const [index, file] of files.entries()) {
        setProgress({ done: index, total: files.length, current: file.name })
        results.push(await importOne(file))
        setOutcomes([...results])
      }
      setProgress(null)
      if (results.some((result) => result.ok)) window.dispatchEvent(new Event(DOCUMENTS_CHANGED_EVENT))
    })
  }

  const failures = outcomes.filter((outcome) => !outcome.ok)
  const successes = outcomes.filter((outcome) => outcome.ok)
  return (
    <ImportContext.Provider value={{ importFiles, busy: progress !== null }}>
      {children}
      <div aria-live="polite" className="space-y-2">
        {progress ? (
          <div role="status" className="space-y-1 rounded-md bg-blue-50 px-3 py-2 text-sm text-blue-900">
            <p>
              Importing {progress.done + 1} of {progress.total}: {progress.current}
            </p>
            <progress className="w-full" max={progress.total} value={progress.done} aria-label="Import progress" />
          </div>
        ) : null}
        {successes.length > 0 ? (
          <div role="status" className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-900">
            Imported:{' '}
            {successes.map((outcome, index) => (
              <span key={outcome.id}>
                {index > 0 ? ', ' : null}
                <Link href={`/d/${outcome.id}`} className="font-medium underline">
                  {outcome.title}
                </Link>
              </span>
            ))}
          </div>
        ) : null}
      </div>
      {failures.length > 0 ? (
        <div role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          <p className="font-medium">{failures.length === 1 ? 'One file was not imported:' : `${failures.length} files were not imported:`}</p>
          <ul className="list-inside list-disc">
            {failures.map((outcome, index) => (
              <li key={`${outcome.name}-${index}`}>{outcome.ok ? null : outcome.error}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </ImportContext.Provider>
  )
}

/** "Import files": the picker, several files at once. */
export function ImportButton() {
  const { importFiles, busy } = useImport()
  const inputRef = useRef<HTMLInputElement>(null)
  return (
    <>
      <button type="button" className={secondaryButton} onClick={() => inputRef.current?.click()} aria-busy={busy}>
        Import files
      </button>
      <input
        ref={inputRef}
        type="file"
        multiple
        accept={ACCEPT}
        aria-label="Files to import"
        className="hidden"
        onChange={(event) => {
          importFiles([...(event.currentTarget.files ?? [])])
          event.currentTarget.value = ''
        }}
      />
    </>
  )
}

/** The document list as a drop target for files to import. */
export function ImportDropZone({ children }: { children: React.ReactNode }) {
  const { importFiles } = useImport()
  const [over, setOver] = useState(false)
  const hasFiles = (event: React.DragEvent) => [...event.dataTransfer.types].includes('Files')
  return (
    <div
      role="region"
      aria-label="Document list (drop files here to import them)"
      className={over ? 'rounded-lg outline-2 outline-offset-4 outline-blue-600 outline-dashed' : undefined}
      onDragOver={(event) => {
        if (!hasFiles(event)) return
        event.preventDefault()
        event.dataTransfer.dropEffect = 'copy'
        setOver(true)
      }}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOver(false)
      }}
      onDrop={(event) => {
        if (!hasFiles(event)) return
        event.preventDefault()
        setOver(false)
        importFiles([...event.dataTransfer.files])
      }}
    >
      {over ? <p className="sr-only">Drop to import</p> : null}
      {children}
    </div>
  )
}
