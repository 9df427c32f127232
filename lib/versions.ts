/**
 * A version of a document, as the sync server lists it (docs/sync-protocol.md,
 * "Version history"): what the web app's server code receives and what the
 * history panel shows.
 */
export interface VersionInfo {
  id: string
  /** ISO 8601. */
  createdAt: string
  label: string | null
  authors: { sub: string; name: string | null }[]
  kind: 'auto' | 'named' | 'restore'
}
