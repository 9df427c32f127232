/**
 * Runs once when the web app's server starts (Next.js's instrumentation hook),
 * before it serves anything:
 *
 * - reads the configuration, and stops the process with its message when a
 *   setting cannot be used (a TRUST_PROXY that is not a number of hops, say).
 *   Next.js would otherwise log the error and go on answering every request
 *   with a 500;
 * - installs the hook that stamps each request with its TCP peer's address,
 *   which sign-in throttling counts against (app/_http/peerAddress.ts).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return
  const { getConfig } = await import('./app/_data/config')
  try {
    getConfig()
  } catch (error) {
    console.error(`Tandem web app: ${(error as Error).message}`)
    process.exit(1)
  }
  const { installPeerAddressHook } = await import('./app/_http/peerAddress')
  installPeerAddressHook()
}
