/**
 * Finds the longest stretches of a .cpuprofile where the main thread never
 * went idle (what a client waiting on the event loop feels as latency) and
 * names what ran in each: the top frames by self time, and the server/ frame
 * closest to the top of the stack. Usage:
 *   node bench/tools/cpuprofile-stalls.mjs FILE [N] [--skip-ms 1500]
 * --skip-ms ignores the start (module loading).
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'skip-ms': { type: 'string', default: '1500' } } })
const [file, nArg] = positionals
const N = Number(nArg ?? 8)
const skipUs = Number(values['skip-ms']) * 1000
const profile = JSON.parse(readFileSync(file, 'utf8'))
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const name = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^.*\/work\/main\//, '')}:${n.callFrame.lineNumber + 1}`
const isIdle = (n) => n.callFrame.functionName === '(idle)'

/** The deepest frame of our own server code on this sample's stack: which of our calls was running. */
function ownFrame(id) {
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur)
    if (n.callFrame.url.includes('/server/')) return name(n)
  }
  return '(no server/ frame)'
}

const stretches = []
let t = 0
let current = null
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0
  t += dt
  const node = byId.get(profile.samples[i])
  if (t < skipUs || isIdle(node)) {
    if (current) stretches.push(current)
    current = null
    continue
  }
  current ??= { start: t, us: 0, self: new Map(), own: new Map() }
  current.us += dt
  current.self.set(name(node), (current.self.get(name(node)) ?? 0) + dt)
  const own = ownFrame(node.id)
  current.own.set(own, (current.own.get(own) ?? 0) + dt)
}
if (current) stretches.push(current)
const top = (map, k) => [...map].sort((a, b) => b[1] - a[1]).slice(0, k).map(([f, us]) => `${(us / 1000).toFixed(1)} ms ${f}`)
for (const s of stretches.sort((a, b) => b.us - a.us).slice(0, N)) {
  console.log(`\n${(s.us / 1000).toFixed(1)} ms busy without a break, at ${(s.start / 1e6).toFixed(2)} s`)
  console.log('  self:   ' + top(s.self, 4).join('\n          '))
  console.log('  server: ' + top(s.own, 3).join('\n          '))
}
