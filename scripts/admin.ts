/**
 * `npm run admin -- <command>`: account chores from the server's shell, on
 * the same database the web app uses (DATA_DIR or DATABASE_URL).
 *
 *   reset-password <email>   prints a one-time link (valid one hour) to set a new password
 *
 * Run with the react-server condition (see package.json) so the web app's
 * server-only modules load outside Next.js.
 */
import { adminResetLink } from '../app/_data/accountEmails'
import { readConfig } from '../app/_data/config'
import { openMigratedDatabase } from '../app/_data/db'

const USAGE = 'Usage: npm run admin -- reset-password <email>'

async function main(args: string[]): Promise<number> {
  const [command, email] = args
  if (command !== 'reset-password' || !email) {
    console.error(USAGE)
    return 2
  }
  const config = readConfig()
  const db = await openMigratedDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  try {
    const origin = config.publicUrl ?? `http://localhost:${process.env.WEB_PORT || '3000'}`
    const link = await adminResetLink(db, origin, email)
    if (!link) {
      console.error(`No account uses ${email.trim()}.`)
      return 1
    }
    console.log(`One-time link to set a new password for ${email.trim().toLowerCase()} (valid for one hour; it signs out every session):`)
    console.log(link)
    return 0
  } finally {
    await db.destroy()
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`admin: ${(error as Error).message}`)
    process.exit(1)
  },
)
