// 4. Token sharing: a new client with app credentials and an empty token cache makes N concurrent first
// calls; the server counts the token requests it receives.
import { larkCall, ourCall, type Call, type LarkModule, type OurModule } from '../lib/clients.ts'

export interface TokenTrial {
  readonly client: 'this package' | 'official SDK'
  readonly n: number
  readonly trial: number
  readonly tokenRequests: number
  readonly succeeded: number
  readonly failed: number
  readonly firstError: string | undefined
}

async function stats(baseUrl: string, path: 'stats' | 'reset'): Promise<{ token: number; unbind: number; rejected: number }> {
  const response = await fetch(`${baseUrl}/__bench/${path}`, { method: path === 'reset' ? 'POST' : 'GET' })
  return (await response.json()) as { token: number; unbind: number; rejected: number }
}

export async function tokenSection(o: { baseUrl: string; ours: OurModule; lark: LarkModule; ns: readonly number[]; trials: number; log: (line: string) => void }): Promise<TokenTrial[]> {
  const trials: TokenTrial[] = []
  const make: Record<TokenTrial['client'], () => Call> = {
    'this package': () => ourCall(o.ours, o.baseUrl, 'app'),
    'official SDK': () => larkCall(o.lark, o.baseUrl, 'app'),
  }
  for (const n of o.ns) {
    for (let trial = 1; trial <= o.trials; trial++) {
      for (const client of ['this package', 'official SDK'] as const) {
        const call = make[client]()
        await stats(o.baseUrl, 'reset')
        const outcomes = await Promise.allSettled(Array.from({ length: n }, () => call()))
        const counted = await stats(o.baseUrl, 'stats')
        const failed = outcomes.filter((x) => x.status === 'rejected')
        const first = failed[0]
        trials.push({
          client,
          n,
          trial,
          tokenRequests: counted.token,
          succeeded: outcomes.length - failed.length,
          failed: failed.length,
          firstError: first?.status === 'rejected' ? String(first.reason) : undefined,
        })
      }
    }
    const of = (client: string) => trials.filter((t) => t.n === n && t.client === client).map((t) => t.tokenRequests).join('/')
    o.log(`  N=${n}: token requests per trial, this package ${of('this package')}, official SDK ${of('official SDK')}`)
  }
  return trials
}
