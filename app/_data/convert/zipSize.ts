/**
 * The total uncompressed size a ZIP file (a .docx) declares for its entries,
 * read from its central directory without inflating anything, or null when
 * the bytes are not a ZIP this can read (no end record, ZIP64, a truncated
 * directory). An import refuses a Word file that would unpack to far more
 * than any document holds before handing it to mammoth: a few kilobytes of
 * zeros can inflate to gigabytes.
 */
const END_OF_DIRECTORY = 0x06054b50
const DIRECTORY_ENTRY = 0x02014b50
const END_RECORD_BYTES = 22
const MAX_COMMENT_BYTES = 0xffff

export function declaredUnzippedBytes(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const lowest = Math.max(0, bytes.length - END_RECORD_BYTES - MAX_COMMENT_BYTES)
  let end = -1
  for (let at = bytes.length - END_RECORD_BYTES; at >= lowest; at--) {
    if (view.getUint32(at, true) === END_OF_DIRECTORY) {
      end = at
      break
    }
  }
  if (end === -1) return null
  const entries = view.getUint16(end + 10, true)
  const directoryOffset = view.getUint32(end + 16, true)
  // 0xffff / 0xffffffff mean the real values are in a ZIP64 record: not something a .docx needs.
  if (entries === 0xffff || directoryOffset === 0xffffffff) return null
  let total = 0
  let at = directoryOffset
  for (let i = 0; i < entries; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== DIRECTORY_ENTRY) return null
    const size = view.getUint32(at + 24, true)
    if (size === 0xffffffff) return null
    total += size
    at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true)
  }
  return total
}
