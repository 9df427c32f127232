'use client'

import type { Editor } from '@tiptap/react'
import { useEffect, useLayoutEffect, useRef, useSyncExternalStore, type RefObject } from 'react'
import { layoutCards } from './threadLayout'

/** Tailwind's `sm`: from here DocumentWorkspace puts the panel beside the text instead of under it. */
const SIDE_BY_SIDE = '(min-width: 640px)'
const GAP_PX = 8

function subscribeToWidth(onChange: () => void) {
  const query = window.matchMedia(SIDE_BY_SIDE)
  query.addEventListener('change', onChange)
  return () => query.removeEventListener('change', onChange)
}

/** Whether the panel stands beside the text (false on the server: the simple list first). */
export function useSideBySide(): boolean {
  return useSyncExternalStore(
    subscribeToWidth,
    () => window.matchMedia(SIDE_BY_SIDE).matches,
    () => false,
  )
}

/** The attribute that marks a card's slot in the aligned column, holding its thread id. */
export const ALIGNED_SLOT = 'data-aligned-thread'

/**
 * Places the cards of `column` (its children carrying ALIGNED_SLOT, in text
 * order) at the height of their highlighted text, through layoutCards. Only
 * visual: the DOM order, hence keyboard and screen-reader order, stays the
 * text order. Reads every box first and then writes the tops, once per frame
 * at most, again after every render, edit, resize of the text or of a card,
 * window resize, font load and scroll. Off, it removes what it wrote.
 */
export function useAlignedCards({
  editor,
  column,
  activeId,
  enabled,
}: {
  editor: Editor | null
  column: RefObject<HTMLElement | null>
  activeId: string | null
  enabled: boolean
}): void {
  const latest = useRef({ editor, activeId, enabled })
  const place = useRef<() => void>(() => {})
  const resizes = useRef<ResizeObserver | null>(null)

  useLayoutEffect(() => {
    latest.current = { editor, activeId, enabled }
    place.current = () => {
      const col = column.current
      if (!col) return
      const slots = Array.from(col.children).filter((child): child is HTMLElement => child instanceof HTMLElement && child.hasAttribute(ALIGNED_SLOT))
      const now = latest.current
      if (!now.enabled) {
        col.style.height = ''
        for (const slot of slots) slot.style.top = ''
        return
      }
      const text = now.editor && !now.editor.isDestroyed ? now.editor.view.dom : null
      const origin = col.getBoundingClientRect().top
      const boxes = slots.map((slot) => {
        const id = slot.getAttribute(ALIGNED_SLOT) ?? ''
        const mark = text?.querySelector(`[data-comment-thread="${CSS.escape(id)}"]`)
        const rect = mark?.getBoundingClientRect()
        // Text not drawn (loading, hidden behind a version preview): the card just follows the one before.
        const desiredTop = rect && (rect.width > 0 || rect.height > 0) ? rect.top - origin : 0
        return { desiredTop, height: slot.offsetHeight }
      })
      const activeIndex = slots.findIndex((slot) => slot.getAttribute(ALIGNED_SLOT) === now.activeId)
      const { tops, height } = layoutCards(boxes, { activeIndex, gap: GAP_PX })
      slots.forEach((slot, index) => {
        const top = `${tops[index]}px`
        if (slot.style.top !== top) slot.style.top = top
      })
      const columnHeight = `${height}px`
      if (col.style.height !== columnHeight) col.style.height = columnHeight
    }
    place.current()
    // New cards get watched for their own height changes (a reply, an edit form opening).
    const observer = resizes.current
    if (observer && column.current) for (const child of Array.from(column.current.children)) observer.observe(child)
  })

  useEffect(() => {
    let frame = 0
    const schedule = () => {
      if (frame) return
      frame = requestAnimationFrame(() => {
        frame = 0
        place.current()
      })
    }
    const observer = new ResizeObserver(schedule)
    resizes.current = observer
    if (column.current) {
      observer.observe(column.current)
      for (const child of Array.from(column.current.children)) observer.observe(child)
    }
    if (editor && !editor.isDestroyed) observer.observe(editor.view.dom)
    editor?.on('transaction', schedule)
    window.addEventListener('resize', schedule)
    // Capture: a scrolling ancestor of the text, not only the window, moves it.
    window.addEventListener('scroll', schedule, { capture: true, passive: true })
    document.fonts?.addEventListener('loadingdone', schedule)
    schedule()
    return () => {
      if (frame) cancelAnimationFrame(frame)
      observer.disconnect()
      resizes.current = null
      editor?.off('transaction', schedule)
      window.removeEventListener('resize', schedule)
      window.removeEventListener('scroll', schedule, { capture: true })
      document.fonts?.removeEventListener('loadingdone', schedule)
    }
  }, [editor, column])
}
