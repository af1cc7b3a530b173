import { createRequire } from 'node:module';
import { join } from 'node:path';
import { renderSites, selectSites } from '../../main';
import { discoverSites } from '../site-files/load';
import { freshTrees, inputsKey } from '../synth/stamp';
import { TREE_ROOTS } from '../synth/write-tree';
import type { Finding } from './findings';
import { staleTrees } from './freshness';

const { sourcesKey } = createRequire(__filename)(join(__dirname, '..', '..', 'scripts', 'sources-key.cjs')) as {
  readonly sourcesKey: (root: string) => string;
};

/** The key synth's stamps are written under, when the project's sources are all there. */
function stampKey(base: string): string | undefined {
  try {
    return inputsKey('.', sourcesKey(base));
  } catch {
    return undefined;
  }
}

/**
 * The freshness findings of the named sites (every site of sites/ when none is named) in the project at `base`: a
 * site whose inputs and trees are as synth's stamp recorded them is fresh without rendering; the others are rendered
 * in memory and compared file by file. A site synth would refuse throws its validation error.
 */
export function freshnessFindings(base: string, names: readonly string[] = []): Finding[] {
  const files = discoverSites(join(base, 'sites')).filter((f) => names.length === 0 || names.includes(f.name));
  // synth's stamps hold paths relative to the project root it ran in
  const key = base === process.cwd() ? stampKey(base) : undefined;
  const stale = files.filter((f) => !key || !freshTrees('.', f.name, key, TREE_ROOTS));
  if (stale.length === 0) return [];
  return renderSites(selectSites(stale.map((f) => f.name))).flatMap((r) =>
    staleTrees(base, { site: r.site.name, source: files.find((f) => f.name === r.site.name)!.file, trees: r.trees }),
  );
}
