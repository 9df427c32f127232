/**
 * The sync server's WebSocket URL. SYNC_URL (read on the server at run time
 * and passed down as a prop) wins; otherwise it is the page's own host on
 * SYNC_PORT, with wss:// when the page is https.
 */
export function resolveSyncUrl(configured: string | null, port: number, location: Pick<Location, 'protocol' | 'hostname'>): string {
  if (configured) return configured.replace(/\/+$/, '')
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  // An IPv6 hostname already comes bracketed from Location ("[::1]").
  const host = location.hostname
  return `${scheme}://${host}:${port}`
}
