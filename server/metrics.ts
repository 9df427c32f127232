/**
 * Prometheus metrics (docs/sync-protocol.md, "HTTP on the same port"). Each server owns
 * its own registry so several servers can run in one process (tests). Gauges
 * are read when scraped, never updated on the hot path; counters are bumped
 * once per broadcast with the receiver count, not once per receiver.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

export interface GaugeSources {
  /** Open connections by transport: WebSockets and HTTP transport sessions. */
  connections(): { websocket: number; http: number }
  rooms(): number
  /** Loaded rooms holding their document as bytes, not as a live Y.Doc (cold, MEMORY-7). */
  coldRooms(): number
}

/**
 * When this process started, to the millisecond. prom-client's
 * process_start_time_seconds is rounded to whole seconds, so two starts in
 * one second look alike; scripts/rolling-restart tells a new process by this.
 */
const STARTED_AT_SECONDS = (Date.now() - performance.now()) / 1000

export class ServerMetrics {
  readonly registry = new Registry()
  readonly messagesReceived: Counter
  readonly messagesSent: Counter
  readonly bytesReceived: Counter
  readonly bytesSent: Counter
  readonly persistSeconds: Histogram
  readonly dependencyLatency: Histogram<'dependency'>
  readonly dependencyErrors: Counter<'dependency'>

  constructor(sources: GaugeSources, options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry]
    new Gauge({
      name: 'tandem_connections',
      help: 'Open connections, by transport (websocket, http)',
      labelNames: ['transport'],
      registers,
      collect() {
        const open = sources.connections()
        this.set({ transport: 'websocket' }, open.websocket)
        this.set({ transport: 'http' }, open.http)
      },
    })
    new Gauge({
      name: 'tandem_rooms',
      help: 'Rooms (documents) loaded in memory',
      registers,
      collect() {
        this.set(sources.rooms())
      },
    })
    new Gauge({
      name: 'tandem_start_time_seconds',
      help: 'When this server process started, in seconds since the Unix epoch, to the millisecond',
      registers,
      collect() {
        this.set(STARTED_AT_SECONDS)
      },
    })
    new Gauge({
      name: 'tandem_rooms_cold',
      help: 'Loaded rooms holding their document as stored bytes rather than a live Y.Doc (not yet needed, or quiet for ROOM_COLD_AFTER_MS)',
      registers,
      collect() {
        this.set(sources.coldRooms())
      },
    })
    this.messagesReceived = new Counter({ name: 'tandem_messages_received_total', help: 'WebSocket messages received', registers })
    this.messagesSent = new Counter({ name: 'tandem_messages_sent_total', help: 'WebSocket messages sent', registers })
    this.bytesReceived = new Counter({ name: 'tandem_bytes_received_total', help: 'WebSocket payload bytes received', registers })
    this.bytesSent = new Counter({ name: 'tandem_bytes_sent_total', help: 'WebSocket payload bytes sent', registers })
    this.persistSeconds = new Histogram({
      name: 'tandem_persist_seconds',
      help: 'Time to write one batch of updates to the store',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    })
    this.dependencyLatency = new Histogram({
      name: 'tandem_dependency_latency_seconds',
      help: 'Round-trip time of health pings to the database and Redis',
      labelNames: ['dependency'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2],
      registers,
    })
    this.dependencyErrors = new Counter({
      name: 'tandem_dependency_errors_total',
      help: 'Errors talking to the database (failed pings and writes) and Redis (failed pings, connection errors)',
      labelNames: ['dependency'],
      registers,
    })
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry })
  }

  /** One frame sent to `receivers` connections. */
  recordBroadcast(receivers: number, frameBytes: number): void {
    if (receivers === 0) return
    this.messagesSent.inc(receivers)
    this.bytesSent.inc(receivers * frameBytes)
  }

  recordReceived(frameBytes: number): void {
    this.messagesReceived.inc()
    this.bytesReceived.inc(frameBytes)
  }
}
