import { INDEXEDDB_WARM_UP_SCRIPT } from './indexedDbWarmUp'

/** The IndexedDB warm-up (indexedDbWarmUp.ts), in the root layout's <head>; `nonce` is the page's CSP nonce (proxy.ts). */
export function IndexedDbWarmUp({ nonce }: { nonce: string | undefined }) {
  return <script nonce={nonce} dangerouslySetInnerHTML={{ __html: INDEXEDDB_WARM_UP_SCRIPT }} />
}
