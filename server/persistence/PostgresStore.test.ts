import pg from 'pg'
import { describeWithServices, postgresTestUrl } from '../../testkit/services'
import { registerStoreContract } from './contract'
import { openPostgresStore } from './PostgresStore'

await describeWithServices(['postgres'], 'PostgresStore', () => {
  registerStoreContract('PostgreSQL', async () => {
    const url = postgresTestUrl()
    const schema = `contract_${process.pid}_${Math.random().toString(36).slice(2, 10)}`
    return {
      open: () => openPostgresStore({ connectionString: url, schema }),
      reopen: () => openPostgresStore({ connectionString: url, schema }),
      cleanup: async () => {
        const client = new pg.Client({ connectionString: url })
        await client.connect()
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
        await client.end()
      },
    }
  })
})
