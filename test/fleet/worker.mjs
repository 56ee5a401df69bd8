// One process of a fleet: unbinds its share of the items through the built package, pacing with a limiter in
// Redis (or alone, with "local"), and prints one JSON line with its results.
import { Redis } from 'ioredis'
import { unbindMeetingChats } from '../../dist/bulk/index.js'
import { createRateLimiter } from '../../dist/limiter/index.js'

const [url, redisPort, itemsJson, perSecond] = process.argv.slice(2)
const items = JSON.parse(itemsJson)
const redis = redisPort === 'local' ? undefined : new Redis({ port: Number(redisPort), host: '127.0.0.1' })
const rateLimiter = createRateLimiter({ ...(redis && { redis }), keyPrefix: 'fleet-test', limits: { unbindMeetingChat: { perSecond: Number(perSecond) } } })
let ok = 0
let failed = 0
const errors = []
for await (const r of unbindMeetingChats(items, { domain: url, auth: { appId: 'cli_bulk', appSecret: 'bulk-secret' }, concurrency: 10, rateLimiter, retry: false })) {
  if (r.ok) ok++
  else {
    failed++
    errors.push(`${r.error.code ?? r.error.kind}: ${r.error.message}`)
  }
}
process.stdout.write(`${JSON.stringify({ ok, failed, degraded: rateLimiter.degraded, store: rateLimiter.store })}\n`)
if (errors.length > 0) process.stderr.write(`${errors.slice(0, 3).join('\n')}\n`)
redis?.disconnect()
