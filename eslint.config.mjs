import { defineConfig, globalIgnores } from 'eslint/config'
import nextVitals from 'eslint-config-next/core-web-vitals'
import nextTs from 'eslint-config-next/typescript'

/** Module boundaries (STYLE.md §2): imports flow app → components → lib, and server → lib. */
const boundary = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }],
})

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores(['.next/**', 'node_modules/**', 'data/**', 'tmp/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts']),
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: boundary(['**/app/**', '**/components/**', 'next', 'next/*', 'react'], 'server/ depends only on lib/'),
  },
  {
    files: ['lib/**/*.ts'],
    ignores: ['lib/node/**'],
    rules: boundary(['**/server/**', '**/app/**', '**/components/**', 'node:*'], 'lib/ is isomorphic and imports nothing of ours'),
  },
  {
    files: ['app/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}'],
    rules: boundary(['**/server/**'], 'the web app reaches the sync server over HTTP, never by import'),
  },
])
