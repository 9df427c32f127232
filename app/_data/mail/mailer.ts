import 'server-only'
import path from 'node:path'
import { getConfig } from '../config'
import { getDb } from '../db'
import { deliverDue, enqueueMail, nextDueAt, type MailLog } from './outbox'
import { fileTransport, smtpTransport, type MailMessage, type MailTransport } from './transport'

/**
 * The process's mail: queue a message and return at once; a delivery loop
 * in the background hands queued messages to SMTP (SMTP_URL) or writes them
 * to DATA_DIR/outbox/.
 */
const consoleLog: MailLog = {
  info: (line) => console.log(`Tandem mail: ${line}`),
  warn: (line) => console.warn(`Tandem mail: ${line}`),
}

/** How often the loop looks for retries that came due (and for mail other processes queued). */
const POLL_MS = 5_000

interface Loop {
  transport: MailTransport
  running: boolean
  again: boolean
  timer?: NodeJS.Timeout
}

const globalForMail = globalThis as unknown as { tandemMailLoop?: Loop }

/** DATA_DIR/outbox/: where mail goes without SMTP_URL. */
export function outboxDir(dataDir: string): string {
  return path.join(/*turbopackIgnore: true*/ dataDir, 'outbox')
}

export function mailConfigured(): boolean {
  return getConfig().smtpUrl !== null
}

function loop(): Loop {
  if (!globalForMail.tandemMailLoop) {
    const config = getConfig()
    const transport = config.smtpUrl ? smtpTransport(config.smtpUrl, config.emailFrom) : fileTransport(outboxDir(config.dataDir), config.emailFrom)
    const created: Loop = { transport, running: false, again: false }
    created.timer = setInterval(() => void runRound(created), POLL_MS)
    created.timer.unref()
    globalForMail.tandemMailLoop = created
  }
  return globalForMail.tandemMailLoop
}

async function runRound(state: Loop): Promise<void> {
  if (state.running) {
    state.again = true
    return
  }
  state.running = true
  try {
    do {
      state.again = false
      const db = await getDb()
      const due = await nextDueAt(db)
      if (due !== null && due <= Date.now()) await deliverDue(db, state.transport, consoleLog)
    } while (state.again)
  } catch (error) {
    consoleLog.warn(`delivery round failed: ${(error as Error).message}`)
  } finally {
    state.running = false
  }
}

/** Starts the delivery loop (at server start, so mail queued before a restart goes out). */
export function startMailDelivery(): void {
  void runRound(loop())
}

/** Queues the message and starts delivering it; resolves once it is safely queued, not when it is sent. */
export async function sendMail(message: MailMessage): Promise<void> {
  await enqueueMail(await getDb(), message)
  void runRound(loop())
}
