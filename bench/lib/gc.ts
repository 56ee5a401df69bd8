import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/** V8's `gc()` without starting Node with --expose-gc: a full collection, for measurements that must not pay for earlier garbage. */
export function gcFunction(): () => void {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}
