import { getConfig } from '@/app/_data/config'
import { getSearchIndexer } from '@/app/_data/deps'
import { startMailDelivery } from '@/app/_data/mail/mailer'
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
 *   which sign-in throttling counts against (./peerAddress.ts);
 * - starts delivering mail, so messages queued before a restart go out;
 * - starts the search indexer, which reads documents changed since they were
 *   last indexed from the sync server (app/_data/search/indexer.ts).
 */
export function startWebApp(): void {
  try {
    const config = getConfig()
    if (config.smtpUrl && !config.publicUrl) {
      console.warn('Tandem web app: SMTP_URL is set but NEXTAUTH_URL is not: emailed links use the Host each request names. Set NEXTAUTH_URL to the public URL.')
    }
  } catch (error) {
    console.error(`Tandem web app: ${(error as Error).message}`)
    process.exit(1)
  }
  installPeerAddressHook()
  startMailDelivery()
  getSearchIndexer().start()
}
