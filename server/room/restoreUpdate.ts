/**
 * The one forward update that makes a document's content equal to an
 * earlier state (a version being restored). Nothing is undone in Yjs's
 * sense: what differs is deleted and the target's content inserted again as
 * new items, by a client ID of its own, so every stock client simply applies
 * it, and everyone's undo history stays theirs (an undo manager tracks only
 * its own transactions; the restore is nobody's local change).
 *
 * The change is kept small where the shapes allow, because whatever is
 * replaced loses the relative positions that point into it (comment
 * anchors, cursors): an XML fragment (Tiptap's `default`) or an array keeps
 * the children equal in both (longest common subsequence of their
 * serialisations); of the others, an element with the same name on both
 * sides is restored from the inside (its attributes set, its children
 * restored the same way), and a text keeps the words it shares with the
 * target and has only the characters that differ replaced, with the
 * target's formatting; what is left is replaced. A map sets only the keys
 * that differ.
 *
 * The server does not know which Yjs type a root is (clients decide that
 * when they call `doc.get`), so it is read from the stored content.
 *
 * The root map `restore` (lib/restoreMark.ts) is not content: it is left out
 * of the comparison, and the update sets in it which version was restored
 * and when (HISTORY-30), so clients can stop their undo at the restore.
 */
import * as Y from 'yjs'
import { RESTORE_KEY, RESTORE_MAP, type RestoreMark } from '../../lib/restoreMark'

type RootKind = 'xml' | 'text' | 'map' | 'array'

/**
 * Returns the update turning `current` into `target`'s content, or null when
 * they already read the same and no `mark` is given. With a `mark`, the
 * update always also records it in the restore map, even when the content
 * was equal already: every restore is a checkpoint. `current` is not
 * changed: the work is done on a copy.
 */
export function restoreUpdate(current: Y.Doc, target: Y.Doc, mark?: RestoreMark): Uint8Array | null {
  const work = new Y.Doc()
  Y.applyUpdate(work, Y.encodeStateAsUpdate(current))
  const before = Y.encodeStateVector(work)
  let changed = false
  work.transact(() => {
    for (const name of new Set([...work.share.keys(), ...target.share.keys()])) {
      // The version's own restore mark (if it has one) is history, not content.
      if (name === RESTORE_MAP) continue
      const kind = rootKind(work.share.get(name)) ?? rootKind(target.share.get(name))
      if (kind && restoreRoot(work, target, name, kind)) changed = true
    }
    if (mark) {
      work.getMap<RestoreMark>(RESTORE_MAP).set(RESTORE_KEY, { version: mark.version, at: mark.at })
      changed = true
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
      return restoreChildren(work.get(name, Y.XmlFragment) as Y.XmlFragment, (target.get(name, Y.XmlFragment) as Y.XmlFragment).toArray())
    case 'array':
      return restoreSequence(work.getArray<unknown>(name), target.getArray<unknown>(name).toArray(), { key: serialize, clone: cloneValue })
    case 'text':
      return restoreText(work.getText(name), target.getText(name))
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

type XmlNode = Y.XmlElement | Y.XmlText | Y.XmlHook

/** Restores the children of a fragment or element, going into the ones that only changed inside. */
function restoreChildren(parent: Y.XmlFragment | Y.XmlElement, wanted: XmlNode[]): boolean {
  return restoreSequence<XmlNode>(parent as Sequence<XmlNode>, wanted, {
    key: nodeKey,
    clone: (node) => node.clone(),
    shape: shapeKey,
    patch: (have, want) => {
      if (have instanceof Y.XmlElement && want instanceof Y.XmlElement) {
        const attributes = restoreAttributes(have, want)
        return restoreChildren(have, want.toArray() as XmlNode[]) || attributes
      }
      if (have instanceof Y.XmlText && want instanceof Y.XmlText) return restoreText(have, want)
      return false
    },
    words: wordsIn,
  })
}

/** The words of a node's text, all levels down (marks and embeds left out). */
function wordsIn(node: XmlNode): string[] {
  return textIn(node).match(/[\p{L}\p{N}]+/gu) ?? []
}

function textIn(node: XmlNode): string {
  if (node instanceof Y.XmlText) return (node.toDelta() as DeltaOp[]).map((op) => (typeof op.insert === 'string' ? op.insert : ' ')).join('')
  if (node instanceof Y.XmlElement) return node.toArray().map((child) => textIn(child as XmlNode)).join(' ')
  return ''
}

/** How many words two lists have in common, counting repeats. */
function sharedWords(a: string[], b: string[]): number {
  const counts = new Map<string, number>()
  for (const word of a) counts.set(word, (counts.get(word) ?? 0) + 1)
  let shared = 0
  for (const word of b) {
    const left = counts.get(word) ?? 0
    if (left > 0) {
      counts.set(word, left - 1)
      shared++
    }
  }
  return shared
}

/** Sets the attributes that differ in place, as y-tiptap does for a heading's level or a paragraph's alignment. */
function restoreAttributes(element: Y.XmlElement, wanted: Y.XmlElement): boolean {
  const have = element.getAttributes() as Record<string, unknown>
  const want = wanted.getAttributes() as Record<string, unknown>
  let changed = false
  for (const key of Object.keys(have)) {
    if (key in want) continue
    element.removeAttribute(key)
    changed = true
  }
  for (const [key, value] of Object.entries(want)) {
    if (key in have && canonical(have[key]) === canonical(value)) continue
    element.setAttribute(key, value as string)
    changed = true
  }
  return changed
}

/**
 * An exact serialisation of a node, for telling equal ones (toString is
 * not: it drops attribute values that are not strings, e.g. a link's attrs).
 */
function nodeKey(node: XmlNode): string {
  if (node instanceof Y.XmlText) return `text:${canonical(node.getAttributes())}:${canonical(readDelta(node))}`
  if (node instanceof Y.XmlElement) {
    const children = node.toArray().map((child) => nodeKey(child as XmlNode))
    return `element:${node.nodeName}:${canonical(node.getAttributes())}:[${children.join(',')}]`
  }
  return `hook:${node.hookName}:${canonical(node.toJSON())}`
}

/**
 * What must match for a node to be restored from the inside rather than
 * replaced: an element's name (its attributes are set in place, unless one
 * holds a Yjs type, which would need copying: then all of them must match),
 * a text's own attributes. Null: always replaced.
 */
function shapeKey(node: XmlNode): string | null {
  if (node instanceof Y.XmlElement) {
    const attributes = Object.values(node.getAttributes() as Record<string, unknown>)
    const typed = attributes.some((value) => value instanceof Y.AbstractType)
    return `element:${node.nodeName}${typed ? `:${canonical(node.getAttributes())}` : ''}`
  }
  if (node instanceof Y.XmlText) return `text:${canonical(node.getAttributes())}`
  return null
}

interface Sequence<T> {
  length: number
  toArray(): T[]
  delete(index: number, length: number): void
  insert(index: number, content: T[]): void
}

interface SequenceRules<T> {
  /** Equal keys: the child is kept as it is. */
  key: (node: T) => string
  /** A copy of a target child, to insert. */
  clone: (node: T) => T
  /** Of the children that differ, those with equal (non-null) shapes are paired and patched. */
  shape?: (node: T) => string | null
  /** Makes `have` read like `want` in place; true if it changed anything. */
  patch?: (have: T, want: T) => boolean
  /** A child's words: of two pairings, the one whose children share more words is patched. */
  words?: (node: T) => string[]
}

/** A stretch `have[haveFrom..haveTo)` to be made into `want[wantFrom..wantTo)`. */
interface Gap {
  haveFrom: number
  haveTo: number
  wantFrom: number
  wantTo: number
}

/**
 * Keeps the longest run of children equal in both; between them, patches
 * the differing children that have the same shape, deletes the others and
 * inserts copies of the target's missing ones.
 */
function restoreSequence<T>(sequence: Sequence<T>, wanted: T[], rules: SequenceRules<T>): boolean {
  const have = sequence.toArray()
  const whole = { haveFrom: 0, haveTo: have.length, wantFrom: 0, wantTo: wanted.length }
  const kept = commonSubsequence(have.map(rules.key), wanted.map(rules.key))
  if (kept.length === have.length && kept.length === wanted.length) return false
  walkBackwards(whole, kept, {
    gap: (gap) => restoreGap(sequence, have, wanted, gap, rules),
    pair: () => {}, // equal: kept as it is
  })
  return true
}

/** Within a stretch of differing children: same shapes (in order) are patched, the rest replaced. */
function restoreGap<T>(sequence: Sequence<T>, have: T[], wanted: T[], gap: Gap, rules: SequenceRules<T>): void {
  const { shape, patch } = rules
  const replace = (part: Gap) => {
    if (part.haveTo > part.haveFrom) sequence.delete(part.haveFrom, part.haveTo - part.haveFrom)
    if (part.wantTo > part.wantFrom) sequence.insert(part.haveFrom, wanted.slice(part.wantFrom, part.wantTo).map(rules.clone))
  }
  if (!shape || !patch) return replace(gap)
  const paired = pairsToPatch(have.slice(gap.haveFrom, gap.haveTo), wanted.slice(gap.wantFrom, gap.wantTo), rules)
  walkBackwards(gap, paired.map(([h, w]) => [gap.haveFrom + h, gap.wantFrom + w]), {
    gap: replace,
    pair: (h, w) => patch(have[h], wanted[w]),
  })
}

/** Past this many candidate pairs in one stretch, pairing goes by shape alone (similarity costs a comparison each). */
const SIMILARITY_PAIRS = 10_000

/**
 * Which differing children to patch into which (index pairs, in order):
 * children of the same shape, choosing, when there is a choice, the pairs
 * that share the most words. So a paragraph typed since the version above
 * an edited one is deleted, and the edited one patched, not the other way.
 */
function pairsToPatch<T>(have: T[], wanted: T[], rules: SequenceRules<T>): [number, number][] {
  const shape = rules.shape!
  const haveShapes = have.map(shape)
  const wantShapes = wanted.map(shape)
  const pairable = (h: number, w: number) => haveShapes[h] !== null && haveShapes[h] === wantShapes[w]
  if (have.length * wanted.length > SIMILARITY_PAIRS || !rules.words) {
    // A null shape gets a tag of its own, so it pairs with nothing.
    return commonSubsequence(
      haveShapes.map((key, i) => key ?? `\0have${i}`),
      wantShapes.map((key, i) => key ?? `\0want${i}`),
    )
  }
  // Each child's words read once: every child is compared with every other one.
  const haveWords = have.map(rules.words)
  const wantWords = wanted.map(rules.words)
  // best[h][w]: the highest total score pairing have[h..] with wanted[w..]; a pair scores 1 plus the words its two share.
  const best = Array.from({ length: have.length + 1 }, () => new Float64Array(wanted.length + 1))
  const score = (h: number, w: number) => (pairable(h, w) ? 1 + sharedWords(haveWords[h], wantWords[w]) : -1)
  const scores = have.map((_, h) => wanted.map((_, w) => score(h, w)))
  for (let h = have.length - 1; h >= 0; h--) {
    for (let w = wanted.length - 1; w >= 0; w--) {
      best[h][w] = Math.max(best[h + 1][w], best[h][w + 1], scores[h][w] > 0 ? scores[h][w] + best[h + 1][w + 1] : 0)
    }
  }
  const pairs: [number, number][] = []
  for (let h = 0, w = 0; h < have.length && w < wanted.length; ) {
    if (scores[h][w] > 0 && best[h][w] === scores[h][w] + best[h + 1][w + 1]) pairs.push([h++, w++])
    else if (best[h][w] === best[h + 1][w]) h++
    else w++
  }
  return pairs
}

/**
 * Visits the pairs of `pairs` (index in `have`, in `want`, increasing, all
 * inside `stretch`) and the stretches between them, last first: changing
 * the sequence at one place then leaves the indices of all earlier ones valid.
 */
function walkBackwards(stretch: Gap, pairs: [number, number][], visit: { gap: (gap: Gap) => void; pair: (h: number, w: number) => void }): void {
  const steps: (() => void)[] = []
  let h = stretch.haveFrom
  let w = stretch.wantFrom
  for (const [pairHave, pairWant] of [...pairs, [stretch.haveTo, stretch.wantTo] as [number, number]]) {
    const gap = { haveFrom: h, haveTo: pairHave, wantFrom: w, wantTo: pairWant }
    if (gap.haveTo > gap.haveFrom || gap.wantTo > gap.wantFrom) steps.push(() => visit.gap(gap))
    if (pairHave < stretch.haveTo) steps.push(() => visit.pair(pairHave, pairWant))
    h = pairHave + 1
    w = pairWant + 1
  }
  for (const step of steps.reverse()) step()
}

type DeltaOp = { insert: unknown; attributes?: Record<string, unknown> }

/** One unit of a text: a UTF-16 code unit or an embed, with its formatting. Its index is its Yjs index. */
interface TextUnit {
  insert: unknown
  attributes: Record<string, unknown>
  key: string
}

/**
 * Makes `text` read exactly like `wanted`, marks included, touching only
 * what differs: words found in both, in order, are kept (a longest common
 * subsequence of words), and between them only the characters that differ
 * are replaced. Kept characters keep their identity, so positions anchored
 * on them (comments, cursors) still resolve there.
 */
function restoreText(text: Y.Text, wanted: Y.Text): boolean {
  const have = textUnits(text.toDelta() as DeltaOp[])
  const want = textUnits(wanted.toDelta() as DeltaOp[])
  const haveWords = words(have)
  const wantWords = words(want)
  const kept = commonSubsequence(haveWords.map((word) => word.key), wantWords.map((word) => word.key))
  if (kept.length === haveWords.length && kept.length === wantWords.length) return false
  const whole = { haveFrom: 0, haveTo: haveWords.length, wantFrom: 0, wantTo: wantWords.length }
  walkBackwards(whole, kept, {
    gap: (gap) => {
      const part = trimEqualEnds(have, want, {
        haveFrom: haveWords[gap.haveFrom]?.start ?? have.length,
        haveTo: haveWords[gap.haveTo]?.start ?? have.length,
        wantFrom: wantWords[gap.wantFrom]?.start ?? want.length,
        wantTo: wantWords[gap.wantTo]?.start ?? want.length,
      })
      if (part.haveTo > part.haveFrom) text.delete(part.haveFrom, part.haveTo - part.haveFrom)
      insertUnits(text, part.haveFrom, want.slice(part.wantFrom, part.wantTo))
    },
    pair: () => {}, // the same word: kept
  })
  // Formatting that meets at the edges of a change is Yjs's to merge; should it read
  // differently from the target in any way, the whole text is replaced rather than left wrong.
  if (canonical(readDelta(text)) !== canonical(readDelta(wanted))) {
    text.delete(0, text.length)
    insertUnits(text, 0, want)
  }
  return true
}

/** A word (a run of letters and digits with their marks), or any other single character or embed. */
interface Word {
  start: number
  key: string
}

function words(units: TextUnit[]): Word[] {
  const found: Word[] = []
  const isLetter = (unit: TextUnit | undefined) => typeof unit?.insert === 'string' && /[\p{L}\p{N}]/u.test(unit.insert)
  for (let i = 0; i < units.length; ) {
    const start = i
    if (isLetter(units[i])) while (isLetter(units[i])) i++
    // A surrogate pair is one character: a change never falls between its halves.
    else if (isHighSurrogate(units[i].insert) && isLowSurrogate(units[i + 1]?.insert)) i += 2
    else i++
    found.push({ start, key: units.slice(start, i).map((unit) => unit.key).join('\u0001') })
  }
  return found
}

/** Narrows a changed stretch to the characters that differ, never between the halves of a surrogate pair. */
function trimEqualEnds(have: TextUnit[], want: TextUnit[], gap: Gap): Gap {
  let { haveFrom, haveTo, wantFrom, wantTo } = gap
  while (haveFrom < haveTo && wantFrom < wantTo && have[haveFrom].key === want[wantFrom].key) {
    haveFrom++
    wantFrom++
  }
  while (haveTo > haveFrom && wantTo > wantFrom && have[haveTo - 1].key === want[wantTo - 1].key) {
    haveTo--
    wantTo--
  }
  // Yjs would store the halves of a cut pair as U+FFFD.
  if (haveFrom > gap.haveFrom && isHighSurrogate(have[haveFrom - 1].insert)) {
    haveFrom--
    wantFrom--
  }
  if (haveTo < gap.haveTo && isLowSurrogate(have[haveTo].insert)) {
    haveTo++
    wantTo++
  }
  return { haveFrom, haveTo, wantFrom, wantTo }
}

/**
 * A text's delta with neighbouring runs of the same formatting joined: Yjs
 * may list one run as two (around a formatting item that changes nothing),
 * which reads the same.
 */
function readDelta(text: Y.Text): DeltaOp[] {
  const joined: DeltaOp[] = []
  for (const op of text.toDelta() as DeltaOp[]) {
    const last = joined.at(-1)
    if (last && typeof last.insert === 'string' && typeof op.insert === 'string' && canonical(last.attributes ?? {}) === canonical(op.attributes ?? {})) {
      last.insert += op.insert
    } else joined.push({ ...op })
  }
  return joined
}

function textUnits(delta: DeltaOp[]): TextUnit[] {
  const units: TextUnit[] = []
  for (const op of delta) {
    const attributes = op.attributes ?? {}
    const marks = canonical(attributes)
    if (typeof op.insert === 'string') {
      for (const char of op.insert.split('')) units.push({ insert: char, attributes, key: `${marks}:s${char}` })
    } else {
      units.push({ insert: op.insert, attributes, key: `${marks}:e${serialize(op.insert)}` })
    }
  }
  return units
}

/**
 * Inserts units at `index` with exactly their own formatting (an explicit
 * attributes object, even empty, stops Yjs from extending the marks on the left).
 */
function insertUnits(text: Y.Text, index: number, units: TextUnit[]): void {
  let at = index
  let i = 0
  while (i < units.length) {
    const unit = units[i]
    if (typeof unit.insert !== 'string') {
      const embed = unit.insert instanceof Y.AbstractType ? (cloneValue(unit.insert) as Y.AbstractType<unknown>) : (unit.insert as object)
      text.insertEmbed(at, embed, { ...unit.attributes })
      at++
      i++
      continue
    }
    // A run of characters with the same formatting goes in as one string.
    const marks = canonical(unit.attributes)
    let run = ''
    while (i < units.length && typeof units[i].insert === 'string' && canonical(units[i].attributes) === marks) run += units[i++].insert as string
    text.insert(at, run, { ...unit.attributes })
    at += run.length
  }
}

function isHighSurrogate(value: unknown): boolean {
  return typeof value === 'string' && /^[\uD800-\uDBFF]$/.test(value)
}

function isLowSurrogate(value: unknown): boolean {
  return typeof value === 'string' && /^[\uDC00-\uDFFF]$/.test(value)
}

/** A table of 64 MB at most (a Uint32 each): some four thousand moved blocks or words on each side. */
const COMMON_SUBSEQUENCE_CELLS = 16_000_000

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
  const pairs: [number, number][] = []
  for (let i = 0; i < start; i++) pairs.push([i, i])
  pairs.push(...middleSubsequence(a, b, start, endA, endB))
  for (let k = 0; k < a.length - endA; k++) pairs.push([endA + k, endB + k])
  return pairs
}

/** The common subsequence of a[start..endA) and b[start..endB), by the classic table. */
function middleSubsequence(a: string[], b: string[], start: number, endA: number, endB: number): [number, number][] {
  // Only keys both sides have can be in common (an edited or a new block has
  // none): the others are left out of the table, and keys become numbers.
  const ids = new Map<string, number>()
  for (let j = start; j < endB; j++) if (!ids.has(b[j])) ids.set(b[j], ids.size)
  const inA = new Set<string>()
  const rowsAt: number[] = []
  for (let i = start; i < endA; i++) {
    if (!ids.has(a[i])) continue
    rowsAt.push(i)
    inA.add(a[i])
  }
  const colsAt: number[] = []
  for (let j = start; j < endB; j++) if (inA.has(b[j])) colsAt.push(j)
  const rows = rowsAt.length
  const cols = colsAt.length
  // The table grows as rows × cols: past a bound nothing in the middle is kept
  // (still a common subsequence, so still a correct restore, only a larger one).
  if (rows * cols > COMMON_SUBSEQUENCE_CELLS) return []
  const rowIds = rowsAt.map((i) => ids.get(a[i])!)
  const colIds = colsAt.map((j) => ids.get(b[j])!)
  const lengths: Uint32Array[] = Array.from({ length: rows + 1 }, () => new Uint32Array(cols + 1))
  for (let i = rows - 1; i >= 0; i--) {
    for (let j = cols - 1; j >= 0; j--) {
      lengths[i][j] = rowIds[i] === colIds[j] ? lengths[i + 1][j + 1] + 1 : Math.max(lengths[i + 1][j], lengths[i][j + 1])
    }
  }
  const pairs: [number, number][] = []
  let i = 0
  let j = 0
  while (i < rows && j < cols) {
    if (rowIds[i] === colIds[j]) {
      pairs.push([rowsAt[i], colsAt[j]])
      i++
      j++
    } else if (lengths[i + 1][j] >= lengths[i][j + 1]) i++
    else j++
  }
  return pairs
}

/** JSON with object keys sorted: the same marks read the same whatever order Yjs lists them in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner instanceof Y.AbstractType) return serialize(inner)
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return inner
    return Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  }) ?? 'undefined'
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
