import { getConfig } from '@/app/_data/config'
import { installPeerAddressHook } from './peerAddress'

/**
 * What the web app's server does once at start, before it serves anything
 * (called from instrumentation.ts, on the Node.js runtime only):
 *
 * - reads the configuration, and stops the process with its message when a
 *   setting cannot be used (a TRUST_PROXY that is not a number of hops, say).
 *   Next.js would otherwise log the error and go on answering every request
 *   with a 500;
 * - installs the hook that stamps each request with its TCP peer's address,
 *   which sign-in throttling counts against (./peerAddress.ts).
 */
export function startWebApp(): void {
  try {
    getConfig()
  } catch (error) {
    console.error(`Tandem web app: ${(error as Error).message}`)
    process.exit(1)
  }
  installPeerAddressHook()
}
