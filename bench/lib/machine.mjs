/** A description of the machine, written next to the numbers. */
import { execSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import os from 'node:os'

const sh = (cmd) => {
  try {
    return execSync(cmd, { encoding: 'utf8', timeout: 5000 }).trimEnd()
  } catch {
    return 'n/a'
  }
}

export function describeMachine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8')
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? 'n/a'
  return {
    nproc: sh('nproc'),
    cpu: model,
    free: sh('free -h'),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadavg: os.loadavg().map((x) => x.toFixed(2)).join(' '),
  }
}
