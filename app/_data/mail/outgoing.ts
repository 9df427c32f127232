import type { MailMessage } from './transport'

/** What the account use cases need to send mail: a queue and the origin their links point at. */
export interface Outgoing {
  /** Queues the message; resolves once it is safely queued, never waiting on SMTP. */
  send(message: MailMessage): Promise<void>
  /** The app's public origin (NEXTAUTH_URL, or the request's), without a trailing slash. */
  origin: string
}
