import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeTempFiles, writeFileAtomic } from '../write/atomic';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const cleaned = new Set<string>();

/**
 * A derived text kept in `.build/<kind>/` (git-ignored) under the hash of its input, so a
 * changed input is recomputed and an unchanged one is read back: for conversions that dominate
 * synth time (parsing and dumping the big upstream CRDs). `root` is the project root.
 *
 * An entry is `<sha256 of the text>\n<text>`, written atomically; one whose text does not match
 * its hash (truncated, edited, a disk error) is recomputed and replaced, never returned.
 */
export function cachedText(root: string, kind: string, input: string, compute: () => string): string {
  const dir = join(root, '.build', kind);
  if (!cleaned.has(dir)) {
    cleaned.add(dir);
    removeTempFiles(dir);
  }
  const file = join(dir, sha256(input));
  const entry = readEntry(file);
  if (entry !== undefined) return entry;
  const text = compute();
  try {
    mkdirSync(dir, { recursive: true });
    writeFileAtomic(file, `${sha256(text)}\n${text}`);
  } catch {
    // a read-only or full disk just computes every time
  }
  return text;
}

function readEntry(file: string): string | undefined {
  let entry: string;
  try {
    entry = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const newline = entry.indexOf('\n');
  const text = entry.slice(newline + 1);
  return newline === 64 && entry.slice(0, 64) === sha256(text) ? text : undefined;
}
