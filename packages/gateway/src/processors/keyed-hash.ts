import { createHmac, hash } from 'node:crypto';

const BLOCK = 64;
/** Messages up to this many UTF-8 bytes are hashed in the reused buffer; longer ones by createHmac. */
const SCRATCH = 4096;

/**
 * HMAC-SHA256 of text under `key`, as lowercase hex: exactly `createHmac('sha256', key)`, but
 * computed as its two SHA-256 passes with Node's one-shot `hash()` over buffers prepared once,
 * which skips creating an Hmac object per value (the enrich and redact hash actions run it on a
 * field of every record).
 */
export function keyedHash(key: string): (text: string) => string {
  let keyBytes = Buffer.from(key, 'utf8');
  if (keyBytes.length > BLOCK) keyBytes = hash('sha256', keyBytes, 'buffer');
  const padded = Buffer.alloc(BLOCK);
  keyBytes.copy(padded);
  const inner = Buffer.alloc(BLOCK + SCRATCH);
  const outer = Buffer.alloc(BLOCK + 32);
  for (let i = 0; i < BLOCK; i++) {
    inner[i] = padded[i]! ^ 0x36;
    outer[i] = padded[i]! ^ 0x5c;
  }
  return (text) => {
    if (text.length > SCRATCH / 3) return createHmac('sha256', key).update(text).digest('hex');
    const n = inner.write(text, BLOCK, 'utf8');
    // the inner digest as 'binary' (Latin-1) text is its 32 bytes, one per character, and far
    // cheaper to get from hash() than a Buffer
    outer.write(hash('sha256', inner.subarray(0, BLOCK + n), 'binary'), BLOCK, 'latin1');
    inner.fill(0, BLOCK, BLOCK + n); // the value does not stay in memory after its hash
    return hash('sha256', outer, 'hex');
  };
}
