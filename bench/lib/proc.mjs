/**
 * Reads a process's CPU time and resident memory from /proc, so every server
 * is measured from outside the same way, whatever it runs.
 */
import { readFileSync } from 'node:fs'

// USER_HZ: 100 on every Linux we run on; /proc/<pid>/stat counts in these ticks.
const TICKS_PER_SECOND = 100

/** utime + stime of the process (all threads), in milliseconds. */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Field 2 (comm) may contain spaces: parse after its closing paren.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  return ((utime + stime) * 1000) / TICKS_PER_SECOND
}

/** VmRSS in bytes. */
export function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)
  return match ? Number(match[1]) * 1024 : NaN
}

/**
 * Now on the monotonic clock, in microseconds. V8 CPU profiles (--cpu-prof)
 * stamp samples on the same clock, so a window measured here selects the
 * matching samples of a server's profile (tools/cpuprofile-top.mjs --window).
 */
export function monoUs() {
  return Number(process.hrtime.bigint() / 1000n)
}
