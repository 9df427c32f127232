// Restarts sync server instances one at a time, each only once the previous
// one is back and healthy, so clients always have an instance to reconnect to
// (docs/self-hosting.md, "Rolling restarts"). Run it as scripts/rolling-restart.
//
//   scripts/rolling-restart 1234 1235
//
// Each argument names an instance; `{}` in the templates below is replaced by it.
//   TANDEM_RESTART  the command that restarts one instance, run with sh -c
//                   (default: systemctl restart tandem-sync@{}.service; the
//                   systemd unit takes its port from the instance name)
//   TANDEM_HEALTH   its base URL (default: http://127.0.0.1:{})
//   METRICS_TOKEN   sent as a bearer token to /metrics when set
//   TANDEM_RESTART_TIMEOUT  seconds to wait for each instance (default 60)
//   TANDEM_RESTART_SETTLE   seconds to wait after an instance is back before
//                   restarting the next (default 5): a proxy's own health
//                   check (Caddy's health_interval, 5 s in deploy/Caddyfile)
//                   must see it up, or it still counts it as down when the
//                   next one stops, and no instance is left to it
//
// "Back" means a new process: /metrics reports a tandem_start_time_seconds
// (to the millisecond; process_start_time_seconds, whole seconds, from a server
// too old to have it) other than the old one, and /healthz answers 200. That holds whether the
// restart command waits (systemctl) or only sends SIGTERM and lets a
// supervisor start the process again.
import { spawnSync } from 'node:child_process'

const instances = process.argv.slice(2)
if (instances.length === 0) {
  console.error('usage: scripts/rolling-restart <instance>... (e.g. the ports 1234 1235)')
  process.exit(2)
}
const restartTemplate = process.env.TANDEM_RESTART || 'systemctl restart tandem-sync@{}.service'
const healthTemplate = process.env.TANDEM_HEALTH || 'http://127.0.0.1:{}'
const timeoutMs = Number(process.env.TANDEM_RESTART_TIMEOUT || 60) * 1000
const settleMs = Number(process.env.TANDEM_RESTART_SETTLE ?? 5) * 1000
if (!Number.isFinite(settleMs) || settleMs < 0) {
  console.error(`rolling-restart: TANDEM_RESTART_SETTLE must be a number of seconds, not "${process.env.TANDEM_RESTART_SETTLE}"`)
  process.exit(2)
}
const fill = (template, instance) => template.replaceAll('{}', instance)

async function startTime(base) {
  try {
    const headers = process.env.METRICS_TOKEN ? { authorization: `Bearer ${process.env.METRICS_TOKEN}` } : {}
    const response = await fetch(`${base}/metrics`, { headers, signal: AbortSignal.timeout(2_000) })
    if (!response.ok) return null
    const lines = (await response.text()).split('\n')
    // Whole seconds would not tell apart two starts in one second (a supervisor restarting it quickly).
    const line = lines.find((l) => l.startsWith('tandem_start_time_seconds ')) ?? lines.find((l) => l.startsWith('process_start_time_seconds '))
    return line ? line.split(' ')[1] : null
  } catch {
    return null
  }
}

async function healthy(base) {
  try {
    return (await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2_000) })).status === 200
  } catch {
    return false
  }
}

for (const [index, instance] of instances.entries()) {
  if (index > 0 && settleMs > 0) {
    console.log(`rolling-restart: waiting ${settleMs / 1000} s for the proxies to see it`)
    await new Promise((resolve) => setTimeout(resolve, settleMs))
  }
  const base = fill(healthTemplate, instance).replace(/\/+$/, '')
  if (!(await healthy(base))) {
    console.error(`rolling-restart: ${instance} (${base}) is not healthy before its restart; stopping here so that no two instances are down at once`)
    process.exit(1)
  }
  const before = await startTime(base)
  console.log(`rolling-restart: restarting ${instance}`)
  const result = spawnSync('/bin/sh', ['-c', fill(restartTemplate, instance)], { stdio: 'inherit' })
  if (result.status !== 0) {
    console.error(`rolling-restart: the restart command for ${instance} failed (status ${result.status})`)
    process.exit(1)
  }
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const now = await startTime(base)
    if (now !== null && now !== before && (await healthy(base))) break
    if (Date.now() > deadline) {
      console.error(`rolling-restart: ${instance} did not come back healthy within ${timeoutMs / 1000} s`)
      process.exit(1)
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  console.log(`rolling-restart: ${instance} is back and healthy`)
}
