import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { byText } from '../core/order';
import { writeFileAtomic } from '../write/atomic';
import type { TreeWrite } from './write-tree';

/**
 * What the last synth wrote for a site, so that a re-run with nothing changed costs little more
 * than reading the output: `.build/synth-stamp/<site>.json` holds the key of the inputs (the
 * sources the bundle was built from, every file under imports/ and sites/) and the sha256 of every file
 * of the site's trees. A site is fresh when the key matches and its trees on disk hash exactly
 * as recorded (a hand-edited, added or removed file makes it stale).
 */
interface Stamp {
  readonly key: string;
  /** ArgoCD Applications of the site, for synth's summary line. */
  readonly applications: number;
  /** root → file → sha256 */
  readonly trees: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const stampFile = (base: string, site: string) => join(base, '.build', 'synth-stamp', `${site}.json`);

/**
 * Key of everything a render reads: `sources` (the bundle's key, from scripts/synth.cjs) and every file under imports/
 * and sites/.
 */
export function inputsKey(base: string, sources: string): string {
  const hash = createHash('sha256').update(sources);
  const files = ['imports', 'sites']
    .filter((d) => existsSync(join(base, d)))
    .flatMap((d) => readdirSync(join(base, d), { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort(byText);
  for (const file of files) {
    const s = statSync(file);
    hash.update(`${file}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

function hashTree(dir: string): Record<string, string> | undefined {
  try {
    const out: Record<string, string> = {};
    for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (e.isFile())
        out[join(e.parentPath ?? e.path, e.name).slice(dir.length + 1)] = sha256(
          readFileSync(join(e.parentPath ?? e.path, e.name)),
        );
    }
    return out;
  } catch {
    return undefined;
  }
}

const sameHashes = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) => {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
};

/** How many files each of the site's trees has, when the site is fresh (nothing to render); else undefined. */
export function freshTrees(
  base: string,
  site: string,
  key: string,
  roots: readonly string[],
): { files: number[]; applications: number } | undefined {
  let stamp: Stamp;
  try {
    stamp = JSON.parse(readFileSync(stampFile(base, site), 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
  if (stamp.key !== key) return undefined;
  const files: number[] = [];
  for (const root of roots) {
    const recorded = stamp.trees[root];
    const onDisk = hashTree(join(base, root, site));
    if (!recorded || !onDisk || !sameHashes(recorded, onDisk)) return undefined;
    files.push(Object.keys(recorded).length);
  }
  return { files, applications: stamp.applications };
}

/** Records what was just written for the site (best effort: without a stamp the next run renders). */
export function writeStamp(
  base: string,
  site: string,
  key: string,
  trees: readonly TreeWrite[],
  applications: number,
): void {
  const stamp: Stamp = {
    key,
    applications,
    trees: Object.fromEntries(
      trees.map((t) => [t.root, Object.fromEntries([...t.files].map(([f, text]) => [f, sha256(text)]))]),
    ),
  };
  try {
    mkdirSync(join(base, '.build', 'synth-stamp'), { recursive: true });
    writeFileAtomic(stampFile(base, site), `${JSON.stringify(stamp)}\n`);
  } catch {
    // a read-only or full .build/: the next run renders again
  }
}
