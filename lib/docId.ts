/** A document id: 1 to 128 characters of `[A-Za-z0-9_-]`, case-sensitive (docs/sync-protocol.md, "Connecting"). */
export const DOC_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/

export function isValidDocId(value: unknown): value is string {
  return typeof value === 'string' && DOC_ID_PATTERN.test(value)
}
