import { defineConfig, globalIgnores } from 'eslint/config'
import nextVitals from 'eslint-config-next/core-web-vitals'
import nextTs from 'eslint-config-next/typescript'

/**
 * Module boundaries: imports flow one way, app → components → lib and
 * server → lib, and lib imports nothing of ours. Inside components/editor,
 * the engine (plain TypeScript, run by Node tests) sits below the React UI.
 */
const boundary = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }],
})

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores(['.next/**', 'dist/**', 'node_modules/**', 'data/**', 'tmp/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts', 'public/sw.js']),
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
    // Replaces the lib/ rule above for this file, so it repeats it. The comments panel imports it in the
    // browser: zod there would weigh on the editor's first load (bench scenario W); its schemas are server-side.
    files: ['lib/comments.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/server/**', '**/app/**', '**/components/**', 'node:*'], message: 'lib/ is isomorphic and imports nothing of ours' },
            { group: ['zod', 'zod/*'], message: 'lib/comments.ts reaches the browser: request schemas (zod) belong in app/_data/commentSchemas.ts' },
          ],
        },
      ],
    },
  },
  {
    files: ['app/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}'],
    rules: boundary(['**/server/**'], 'the web app reaches the sync server over HTTP, never by import'),
  },
  {
    // Replaces the rule above for these files, so it repeats the server/ pattern.
    // A bare name matches any path segment: 'react' also catches react/*, @tiptap/react and the like.
    files: ['components/editor/engine/**/*.{ts,tsx}'],
    rules: {
      ...boundary(
        ['**/server/**', 'react', 'react-dom', 'next', '**/ui', '**/app'],
        'components/editor/engine/ is plain TypeScript that Node tests run without a DOM: no React, no Next.js, nothing from ui/ or app/',
      ),
      // JSX needs no import of React (the automatic runtime), so it is caught on its own.
      'no-restricted-syntax': ['error', { selector: 'JSXElement, JSXFragment', message: 'components/editor/engine/ renders nothing: JSX belongs in ui/' }],
    },
  },
])
