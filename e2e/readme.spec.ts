import { readFileSync } from 'node:fs'
import path from 'node:path'
// Plain Playwright: this test needs no browser and no servers.
import { expect, test } from '@playwright/test'

test('the README’s kit example is e2e/kit-example.spec.ts, word for word', () => {
  const root = path.resolve(import.meta.dirname, '..')
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('<!-- e2e-kit:start -->'), readme.indexOf('<!-- e2e-kit:end -->'))
  const example = section.match(/```ts\n([\s\S]*?)```/)?.[1]
  // The spec's first line says where the example lives; the README leaves it out.
  const spec = readFileSync(path.join(root, 'e2e/kit-example.spec.ts'), 'utf8').split('\n').slice(1).join('\n')
  expect(example).toBe(spec)
})
