/** Prometheus text exposition (a server's /metrics), read the way tests and the deployment checks need it. */
export interface MetricSample {
  name: string
  labels: string
  value: number
}

export function parseMetrics(text: string): { samples: MetricSample[]; types: Map<string, string> } {
  const samples: MetricSample[] = []
  const types = new Map<string, string>()
  for (const line of text.split('\n')) {
    const typeMatch = /^# TYPE (\S+) (\S+)/.exec(line)
    if (typeMatch) {
      types.set(typeMatch[1], typeMatch[2])
      continue
    }
    if (!line || line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line)
    if (m) samples.push({ name: m[1], labels: m[2] ?? '', value: Number(m[3]) })
  }
  return { samples, types }
}

/** The sum of every sample named exactly `name` over all its label sets (tandem_connections is counted per transport); NaN when there is none. */
export function sumOfMetric(text: string, name: string): number {
  const matching = parseMetrics(text).samples.filter((sample) => sample.name === name)
  return matching.length === 0 ? NaN : matching.reduce((sum, sample) => sum + sample.value, 0)
}
