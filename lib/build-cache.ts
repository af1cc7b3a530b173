import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * A derived text kept in `.build/<kind>/` (git-ignored) under the hash of its input, so a
 * changed input is recomputed and an unchanged one is read back: for conversions that dominate
 * synth time (parsing and dumping the big upstream CRDs). `root` is the project root.
 */
export function cachedText(root: string, kind: string, input: string, compute: () => string): string {
  const file = join(root, '.build', kind, createHash('sha256').update(input).digest('hex'));
  try {
    return readFileSync(file, 'utf8');
  } catch {
    const text = compute();
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    } catch {
      // a read-only checkout just computes every time
    }
    return text;
  }
}
