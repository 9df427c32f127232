/**
 * The root logger: structured JSON lines on stdout. Rooms and connections log
 * through children (`log.child({ docId })`). Tokens and cookies are redacted;
 * document content is never logged.
 */
import pino, { type Logger } from 'pino'

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'tandem-sync' },
    redact: ['token', 'req.headers.authorization', 'req.headers.cookie'],
  })
}
