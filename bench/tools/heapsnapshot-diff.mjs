/**
 * Summarises V8 heap snapshots by constructor (object count and self size),
 * and with two files, what grew from the first to the second: enough to see
 * what a connection or a room costs, and what is left after they are gone.
 * Usage: node bench/tools/heapsnapshot-diff.mjs BEFORE [AFTER] [N]
 */
import { readFileSync } from 'node:fs'

function summarize(file) {
  const snap = JSON.parse(readFileSync(file, 'utf8'))
  const fields = snap.snapshot.meta.node_fields
  const types = snap.snapshot.meta.node_types[0]
  const stride = fields.length
  const iType = fields.indexOf('type')
  const iName = fields.indexOf('name')
  const iSize = fields.indexOf('self_size')
  const { nodes, strings } = snap
  const groups = new Map()
  let total = 0
  for (let i = 0; i < nodes.length; i += stride) {
    const type = types[nodes[i + iType]]
    // Objects group by constructor name; everything else (strings, code, arrays…) by its type.
    const name = type === 'object' || type === 'closure' ? `${type}:${strings[nodes[i + iName]]}` : `(${type})`
    const size = nodes[i + iSize]
    total += size
    const g = groups.get(name) ?? { count: 0, size: 0 }
    g.count++
    g.size += size
    groups.set(name, g)
  }
  return { groups, total }
}

const args = process.argv.slice(2)
const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 30)
const files = args.filter((a) => !/^\d+$/.test(a))
const kib = (b) => (b / 1024).toFixed(1).padStart(9) + ' KiB'
const a = summarize(files[0])
if (files.length === 1) {
  console.log(`${files[0]}: ${kib(a.total)} in all`)
  for (const [name, g] of [...a.groups].sort((x, y) => y[1].size - x[1].size).slice(0, n)) {
    console.log(`${kib(g.size)} ${String(g.count).padStart(8)}  ${name}`)
  }
} else {
  const b = summarize(files[1])
  console.log(`${files[0]} → ${files[1]}: ${kib(a.total)} → ${kib(b.total)} (${kib(b.total - a.total)})`)
  const names = new Set([...a.groups.keys(), ...b.groups.keys()])
  const rows = [...names].map((name) => {
    const x = a.groups.get(name) ?? { count: 0, size: 0 }
    const y = b.groups.get(name) ?? { count: 0, size: 0 }
    return { name, dSize: y.size - x.size, dCount: y.count - x.count }
  })
  for (const r of rows.sort((p, q) => Math.abs(q.dSize) - Math.abs(p.dSize)).slice(0, n)) {
    console.log(`${kib(r.dSize)} ${String(r.dCount).padStart(8)}  ${r.name}`)
  }
}
