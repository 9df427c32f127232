// Bundles the service worker (serviceWorker/sw.ts, with Serwist) into public/sw.js,
// where Next.js serves it from the site's root (its scope must be `/`). Run before
// `next build` (scripts/buildWebApp.mjs, `npm run build`). Next.js 16 builds with
// Turbopack, which @serwist/next's webpack plugin does not hook into, hence this step.
import { buildSync } from 'esbuild'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export function buildServiceWorker() {
  buildSync({
    entryPoints: [path.join(root, 'serviceWorker/sw.ts')],
    outfile: path.join(root, 'public/sw.js'),
    bundle: true,
    format: 'iife',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    // Serwist logs every request in development builds; never in ours.
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  })
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) buildServiceWorker()
