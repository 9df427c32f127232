import 'server-only'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import nodemailer from 'nodemailer'
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '@/lib/node/privateFiles'

/** One message as the outbox stores it: every message has a plain-text and an HTML body. */
export interface MailMessage {
  to: string
  subject: string
  text: string
  html: string
  /** The one link the message is about (for the log line). */
  link: string
}

/** Hands one message on; throws when it could not (the outbox retries). */
export interface MailTransport {
  /** `smtp` or `file`, for log lines. */
  readonly kind: 'smtp' | 'file'
  send(message: MailMessage, id: string): Promise<void>
  close(): void
}

/** How long one SMTP conversation may take before it counts as failed (and is retried). */
const SMTP_TIMEOUT_MS = 15_000

/** Sends through the SMTP server in `url` (smtp:// or smtps://, credentials in the URL). */
export function smtpTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(url, {
    from,
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  })
  return {
    kind: 'smtp',
    async send(message) {
      await transporter.sendMail({ from, to: message.to, subject: message.subject, text: message.text, html: message.html })
    },
    close: () => transporter.close(),
  }
}

/**
 * Writes each message as an .eml file into `dir` (DATA_DIR/outbox/ when
 * SMTP_URL is unset): a single-machine install still has its links, and any
 * mail client opens the files. The links grant access, so files are 0600.
 */
export function fileTransport(dir: string, from: string): MailTransport {
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
  return {
    kind: 'file',
    async send(message, id) {
      const info = await builder.sendMail({ from, to: message.to, subject: message.subject, text: message.text, html: message.html })
      ensurePrivateDir(dir)
      // Named so a directory listing sorts by time; the id keeps names unique.
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${id}.eml`
      writeFileSync(path.join(/*turbopackIgnore: true*/ dir, name), info.message as Buffer, { mode: PRIVATE_FILE_MODE })
    },
    close: () => builder.close(),
  }
}
