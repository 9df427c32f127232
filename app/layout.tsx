import type { Metadata, Viewport } from 'next'
import { headers } from 'next/headers'
import { connection } from 'next/server'
import { Providers } from '@/components/Providers'
import { IndexedDbWarmUp } from '@/components/offline/IndexedDbWarmUp'
import { ServiceWorkerRegistration } from '@/components/offline/ServiceWorkerRegistration'
import './globals.css'

export const metadata: Metadata = { title: 'Tandem', description: 'Write documents together, live.' }
export const viewport: Viewport = { width: 'device-width', initialScale: 1 }

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page renders per request, never prerendered: its scripts carry the nonce of that
  // request's Content-Security-Policy (proxy.ts), which a page built ahead of time cannot know.
  await connection()
  const nonce = (await headers()).get('x-nonce') ?? undefined
  return (
    <html lang="en">
      <head>
        <IndexedDbWarmUp nonce={nonce} />
      </head>
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <Providers>{children}</Providers>
        <ServiceWorkerRegistration />
      </body>
    </html>
  )
}
