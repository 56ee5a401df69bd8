// What `unbind --from` keeps about a million items in little memory: each item's key as a 128-bit fingerprint (MD5:
// not for secrecy, only to tell keys apart; two different keys share one with odds of about 1 in 10^38), in a table
// of flags (the journal: sent, finished) or a Bloom filter (the input: which lines may repeat an earlier one).
import { createHash } from 'node:crypto'

/** The key's fingerprint as four 32-bit words. */
function fingerprint(key: string): Uint32Array {
  const digest = createHash('md5').update(key).digest()
  return new Uint32Array(digest.buffer, digest.byteOffset, 4).slice()
}

const USED = 0x80

/** Flags (bits 0 to 6) for each key, by fingerprint: 17 bytes a slot, the table kept at most 3/4 full. */
export class KeyFlags {
  #words = new Uint32Array(4 * 1024)
  #flags = new Uint8Array(1024)
  #size = 0

  get size(): number {
    return this.#size
  }

  /** The key's flags, 0 when it has none. */
  get(key: string): number {
    const slot = this.#find(fingerprint(key))
    return slot < 0 ? 0 : (this.#flags[slot] ?? 0) & ~USED
  }

  /** Sets `bits` of the key's flags (they add up). */
  add(key: string, bits: number): void {
    const fp = fingerprint(key)
    let slot = this.#find(fp)
    if (slot < 0) {
      if ((this.#size + 1) * 4 > this.#flags.length * 3) this.#grow()
      slot = this.#free(fp)
      this.#words.set(fp, slot * 4)
      this.#size++
    }
    this.#flags[slot] = ((this.#flags[slot] ?? 0) | bits | USED) & 0xff
  }

  /** The slot holding `fp`, or -1. */
  #find(fp: Uint32Array): number {
    const mask = this.#flags.length - 1
    for (let slot = (fp[0] ?? 0) & mask; ; slot = (slot + 1) & mask) {
      if (!((this.#flags[slot] ?? 0) & USED)) return -1
      const at = slot * 4
      if (this.#words[at] === fp[0] && this.#words[at + 1] === fp[1] && this.#words[at + 2] === fp[2] && this.#words[at + 3] === fp[3]) return slot
    }
  }

  /** The first free slot on `fp`'s probe sequence. */
  #free(fp: Uint32Array): number {
    const mask = this.#flags.length - 1
    let slot = (fp[0] ?? 0) & mask
    while ((this.#flags[slot] ?? 0) & USED) slot = (slot + 1) & mask
    return slot
  }

  #grow(): void {
    const words = this.#words
    const flags = this.#flags
    this.#words = new Uint32Array(words.length * 2)
    this.#flags = new Uint8Array(flags.length * 2)
    for (let slot = 0; slot < flags.length; slot++) {
      if (!((flags[slot] ?? 0) & USED)) continue
      const fp = words.subarray(slot * 4, slot * 4 + 4)
      const to = this.#free(fp)
      this.#words.set(fp, to * 4)
      this.#flags[to] = flags[slot] ?? 0
    }
  }
}

/** Hash functions of the Bloom filter: about 1 line in 2,000 is a false "maybe seen" at 16 bits a line. */
const HASHES = 8

/** A Bloom filter of keys: `m` bits, whatever the number of keys (more keys: more false "maybe seen"). */
export class Bloom {
  readonly #bits: Uint32Array
  readonly #m: number

  constructor(bits: number) {
    this.#m = Math.max(1024, Math.ceil(bits / 32) * 32)
    this.#bits = new Uint32Array(this.#m / 32)
  }

  /** Adds the key; true when it may have been added before (every one of its bits was set already). */
  add(key: string): boolean {
    const fp = fingerprint(key)
    const h1 = fp[0] ?? 0
    const h2 = (fp[1] ?? 0) | 1
    let seen = true
    for (let i = 0; i < HASHES; i++) {
      const bit = (h1 + Math.imul(i, h2)) >>> 0
      const at = bit % this.#m
      const word = at >>> 5
      const mask = 1 << (at & 31)
      if (!((this.#bits[word] ?? 0) & mask)) {
        seen = false
        this.#bits[word] = (this.#bits[word] ?? 0) | mask
      }
    }
    return seen
  }
}
