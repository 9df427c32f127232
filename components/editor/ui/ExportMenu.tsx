'use client'

import { useEffect, useRef, useState } from 'react'
import { secondaryButton } from '@/components/ui/buttonStyles'

/**
 * "Export": the stored document as a file, made on the server
 * (`GET /api/docs/<id>/export`), or PDF through the browser's print dialog
 * with the print stylesheet (app/globals.css) leaving only title and content.
 * A menu button: Escape or a click elsewhere closes it, arrow keys move
 * between its items.
 */
const FORMATS = [
  { format: 'md', label: 'Markdown (.md)' },
  { format: 'html', label: 'HTML (.html)' },
  { format: 'docx', label: 'Word (.docx)' },
  { format: 'txt', label: 'Plain text (.txt)' },
] as const

export function ExportMenu({ documentId }: { documentId: string }) {
  const [open, setOpen] = useState(false)
  const rootRef = useRef<HTMLDivElement>(null)
  const buttonRef = useRef<HTMLButtonElement>(null)
  const menuRef = useRef<HTMLDivElement>(null)

  useEffect(() => {
    if (!open) return
    menuRef.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus()
    const onPointer = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false)
    }
    document.addEventListener('pointerdown', onPointer)
    return () => document.removeEventListener('pointerdown', onPointer)
  }, [open])

  function close() {
    setOpen(false)
    buttonRef.current?.focus()
  }

  function onMenuKey(event: React.KeyboardEvent) {
    const items = [...(menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])]
    const index = items.indexOf(document.activeElement as HTMLElement)
    if (event.key === 'Escape') {
      event.preventDefault()
      close()
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault()
      const step = event.key === 'ArrowDown' ? 1 : -1
      items[(index + step + items.length) % items.length]?.focus()
    }
  }

  const itemClass = 'block w-full px-3 py-1.5 text-left text-sm text-slate-800 hover:bg-slate-100 focus:bg-slate-100 focus:outline-none'
  return (
    <div ref={rootRef} className="relative">
      <button
        ref={buttonRef}
        type="button"
        className={secondaryButton}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? 'export-menu' : undefined}
        onClick={() => setOpen(!open)}
      >
        Export
      </button>
      {open ? (
        <div
          ref={menuRef}
          id="export-menu"
          role="menu"
          aria-label="Export"
          onKeyDown={onMenuKey}
          className="absolute right-0 z-20 mt-1 w-48 rounded-md border border-slate-200 bg-white py-1 shadow-lg"
        >
          {FORMATS.map(({ format, label }) => (
            <a
              key={format}
              role="menuitem"
              tabIndex={-1}
              className={itemClass}
              href={`/api/docs/${encodeURIComponent(documentId)}/export?format=${format}`}
              download
              onClick={() => setOpen(false)}
            >
              {label}
            </a>
          ))}
          <button
            type="button"
            role="menuitem"
            tabIndex={-1}
            className={itemClass}
            onClick={() => {
              setOpen(false)
              // After the menu is gone, so it is not in the printout.
              setTimeout(() => window.print(), 0)
            }}
          >
            PDF (print)…
          </button>
        </div>
      ) : null}
    </div>
  )
}
