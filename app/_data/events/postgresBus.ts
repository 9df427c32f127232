import 'server-only'
import pg from 'pg'
import { decodeNotice, encodeNotice, type LiveBus, type LiveNotice } from './bus'

const RECONNECT_MS = 1_000

/**
 * Notices over PostgreSQL LISTEN/NOTIFY, for web app processes sharing one
 * DATABASE_URL. Channels are database-wide, not per schema, so the channel
 * is named after the connection's schema: two deployments (or test runs) in
 * one database never hear each other. One dedicated connection listens and
 * reconnects by itself; publishing uses a short-lived pooled one.
 */
export class PostgresBus implements LiveBus {
  private readonly pool: pg.Pool
  private listener: pg.Client | null = null
  private channel: Promise<string>
  private closed = false
  private onNotice: ((notice: LiveNotice) => void) | null = null
  private onResync: (() => void) | null = null

  constructor(private readonly connectionString: string) {
    this.pool = new pg.Pool({ connectionString, max: 2 })
    this.channel = this.pool.query<{ schema: string }>('select current_schema() as schema').then(({ rows }) => {
      const schema = (rows[0]?.schema ?? 'public').replace(/[^a-z0-9_]/gi, '_')
      return `tandem_live_${schema}`.slice(0, 63)
    })
    // A failure is retried with the next publish or listen, not thrown into the void.
    this.channel.catch(() => {
      this.channel = Promise.resolve('tandem_live_public')
    })
  }

  async publish(notice: LiveNotice): Promise<void> {
    await this.pool.query('select pg_notify($1, $2)', [await this.channel, encodeNotice(notice)])
  }

  listen(onNotice: (notice: LiveNotice) => void, onResync: () => void): void {
    this.onNotice = onNotice
    this.onResync = onResync
    void this.connect(false)
  }

  private async connect(isReconnect: boolean): Promise<void> {
    if (this.closed) return
    const client = new pg.Client({ connectionString: this.connectionString })
    const retry = () => {
      if (this.listener === client) this.listener = null
      client.removeAllListeners()
      client.end().catch(() => {})
      if (!this.closed) setTimeout(() => void this.connect(true), RECONNECT_MS).unref()
    }
    client.on('error', retry)
    client.on('end', () => {
      if (this.listener === client) retry()
    })
    client.on('notification', (message) => {
      const notice = message.payload ? decodeNotice(message.payload) : null
      if (notice) this.onNotice?.(notice)
    })
    try {
      await client.connect()
      await client.query(`listen "${await this.channel}"`)
      this.listener = client
      if (isReconnect) this.onResync?.()
    } catch {
      retry()
    }
  }

  async close(): Promise<void> {
    this.closed = true
    const client = this.listener
    this.listener = null
    if (client) {
      client.removeAllListeners()
      await client.end().catch(() => {})
    }
    await this.pool.end()
  }
}
