/**
 * TCP ports for servers that tests and the benchmark start. Plain Node (no
 * test framework), so vitest, Playwright and the benchmark share it.
 */
import net from 'node:net'

/**
 * A port on `host` that was free a moment ago. Something else may still take
 * it before the caller binds, so a caller that cannot bind retries with another.
 *
 * @example
 * const port = await freePort()
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, host, () => {
      const { port } = probe.address() as net.AddressInfo
      probe.close(() => resolve(port))
    })
  })
}

/** Whether `port` can be bound on `host` right now. */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer()
    probe.once('error', () => resolve(false))
    probe.listen(port, host, () => probe.close(() => resolve(true)))
  })
}
