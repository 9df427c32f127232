/**
 * The one forward update that makes a document's content equal to an
 * earlier state (a version being restored). Nothing is undone in Yjs's
 * sense: what differs is deleted and the target's content inserted again as
 * new items, by a client ID of its own, so every stock client simply applies
 * it, and everyone's undo history stays theirs (an undo manager tracks only
 * its own transactions; the restore is nobody's local change).
 *
 * The change is kept small where the shapes allow: an XML fragment (Tiptap's
 * `default`) or an array keeps the children equal in both and replaces only
 * the others (longest common subsequence of their serialisations); a map
 * sets only the keys that differ; a text is replaced when it differs.
 *
 * The server does not know which Yjs type a root is (clients decide that
 * when they call `doc.get`), so it is read from the stored content.
 */
import * as Y from 'yjs'

type RootKind = 'xml' | 'text' | 'map' | 'array'

/**
 * Returns the update turning `current` into `target`'s content, or null when
 * they already read the same. `current` is not changed: the work is done on
 * a copy.
 */
export function restoreUpdate(current: Y.Doc, target: Y.Doc): Uint8Array | null {
  const work = new Y.Doc()
  Y.applyUpdate(work, Y.encodeStateAsUpdate(current))
  const before = Y.encodeStateVector(work)
  let changed = false
  work.transact(() => {
    for (const name of new Set([...work.share.keys(), ...target.share.keys()])) {
      const kind = rootKind(work.share.get(name)) ?? rootKind(target.share.get(name))
      if (kind && restoreRoot(work, target, name, kind)) changed = true
    }
  })
  const update = changed ? Y.encodeStateAsUpdate(work, before) : null
  work.destroy()
  return update
}

/** Reads what a root holds: its first item that tells, or its map entries. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any root type
function rootKind(type: Y.AbstractType<any> | undefined): RootKind | null {
  if (!type) return null
  if (type instanceof Y.XmlFragment) return 'xml'
  if (type instanceof Y.Text) return 'text'
  if (type instanceof Y.Map) return 'map'
  if (type instanceof Y.Array) return 'array'
  for (let item = type._start; item !== null; item = item.right) {
    const content = item.content
    if (content instanceof Y.ContentType) {
      return content.type instanceof Y.XmlElement || content.type instanceof Y.XmlText || content.type instanceof Y.XmlHook ? 'xml' : 'array'
    }
    if (content instanceof Y.ContentString || content instanceof Y.ContentFormat || content instanceof Y.ContentEmbed) return 'text'
    if (content instanceof Y.ContentAny || content instanceof Y.ContentJSON || content instanceof Y.ContentBinary || content instanceof Y.ContentDoc) {
      return 'array'
    }
  }
  for (const item of type._map.values()) {
    if (!item.deleted) return 'map'
  }
  return null
}

function restoreRoot(work: Y.Doc, target: Y.Doc, name: string, kind: RootKind): boolean {
  switch (kind) {
    case 'xml':
      return restoreSequence(
        work.get(name, Y.XmlFragment) as Y.XmlFragment,
        (target.get(name, Y.XmlFragment) as Y.XmlFragment).toArray(),
        (node) => (node as Y.XmlElement | Y.XmlText).toString(),
        (node) => (node as Y.XmlElement | Y.XmlText).clone(),
      )
    case 'array':
      return restoreSequence(
        work.getArray<unknown>(name),
        target.getArray<unknown>(name).toArray(),
        serialize,
        cloneValue,
      )
    case 'text': {
      const text = work.getText(name)
      const wanted = target.getText(name).toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]
      if (JSON.stringify(text.toDelta()) === JSON.stringify(wanted)) return false
      text.delete(0, text.length)
      text.applyDelta(wanted)
      return true
    }
    case 'map': {
      const map = work.getMap<unknown>(name)
      const wanted = target.getMap<unknown>(name)
      let changed = false
      for (const key of [...map.keys()]) {
        if (!wanted.has(key)) {
          map.delete(key)
          changed = true
        }
      }
      for (const [key, value] of wanted.entries()) {
        if (map.has(key) && serialize(map.get(key)) === serialize(value)) continue
        map.set(key, cloneValue(value))
        changed = true
      }
      return changed
    }
  }
}

interface Sequence<T> {
  length: number
  toArray(): T[]
  delete(index: number, length: number): void
  insert(index: number, content: T[]): void
}

/** Keeps the longest run of children equal in both, deletes the others, inserts copies of the target's missing ones. */
function restoreSequence<T>(sequence: Sequence<T>, wanted: T[], key: (node: T) => string, clone: (node: T) => T): boolean {
  const have = sequence.toArray().map(key)
  const want = wanted.map(key)
  const kept = commonSubsequence(have, want)
  if (kept.length === have.length && kept.length === want.length) return false
  // Walk both lists; `index` is the position in the sequence being edited.
  let index = 0
  let h = 0
  let w = 0
  for (const [keepHave, keepWant] of [...kept, [have.length, want.length] as const]) {
    if (keepHave > h) sequence.delete(index, keepHave - h)
    if (keepWant > w) {
      sequence.insert(index, wanted.slice(w, keepWant).map(clone))
      index += keepWant - w
    }
    index += keepHave < have.length ? 1 : 0
    h = keepHave + 1
    w = keepWant + 1
  }
  return true
}

/** Index pairs (in `a`, in `b`) of a longest common subsequence, in order. */
function commonSubsequence(a: string[], b: string[]): [number, number][] {
  // Equal heads and tails first: a restore usually touches a few blocks of many.
  let start = 0
  while (start < a.length && start < b.length && a[start] === b[start]) start++
  let endA = a.length
  let endB = b.length
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--
    endB--
  }
  const rows = endA - start
  const cols = endB - start
  const lengths: Uint32Array[] = Array.from({ length: rows + 1 }, () => new Uint32Array(cols + 1))
  for (let i = rows - 1; i >= 0; i--) {
    for (let j = cols - 1; j >= 0; j--) {
      lengths[i][j] = a[start + i] === b[start + j] ? lengths[i + 1][j + 1] + 1 : Math.max(lengths[i + 1][j], lengths[i][j + 1])
    }
  }
  const pairs: [number, number][] = []
  for (let i = 0; i < start; i++) pairs.push([i, i])
  let i = 0
  let j = 0
  while (i < rows && j < cols) {
    if (a[start + i] === b[start + j]) {
      pairs.push([start + i, start + j])
      i++
      j++
    } else if (lengths[i + 1][j] >= lengths[i][j + 1]) i++
    else j++
  }
  for (let k = 0; k < a.length - endA; k++) pairs.push([endA + k, endB + k])
  return pairs
}

function serialize(value: unknown): string {
  if (value instanceof Y.AbstractType) return `${value.constructor.name}:${JSON.stringify(value.toJSON())}`
  if (value instanceof Uint8Array) return `bytes:${Buffer.from(value).toString('base64')}`
  return JSON.stringify(value) ?? 'undefined'
}

function cloneValue(value: unknown): unknown {
  if (value instanceof Y.AbstractType && 'clone' in value && typeof value.clone === 'function') return (value as { clone(): unknown }).clone()
  return value
}
