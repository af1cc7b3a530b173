import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { FileTree } from '../core/file-tree';
import type { Finding } from './findings';

/**
 * Fresh or refused: the trees on disk (dist/<site>, host-bootstrap/<site>, docs/sites/<site>) must be exactly what
 * the site's source renders now. A site edited without a synth, a hand-edited or left-over file, a site never
 * rendered: each is an error naming the site and the command that fixes it. Pure comparison: the caller renders
 * (or knows from synth's stamp that nothing changed).
 */

/** What synth renders for one site: root folder → files. */
export interface SiteRendering {
  readonly site: string;
  /** The site's source file, `sites/poc.ts`. */
  readonly source: string;
  readonly trees: readonly { readonly root: string; readonly files: FileTree }[];
}

/** Every file under `dir`, relative path → text (empty when the folder is missing). */
function filesOnDisk(dir: string): FileTree | undefined {
  if (!existsSync(dir)) return undefined;
  const files: FileTree = new Map();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath ?? e.path, e.name);
    files.set(relative(dir, path), readFileSync(path, 'utf8'));
  }
  return files;
}

const SHOWN = 3;
const some = (files: readonly string[]) =>
  `${files.slice(0, SHOWN).join(', ')}${files.length > SHOWN ? ` and ${files.length - SHOWN} more` : ''}`;

/** One error per tree that differs from its rendering. */
export function staleTrees(base: string, rendering: SiteRendering): Finding[] {
  const fix = `run npm run synth -- --site ${rendering.site} and commit the result`;
  return rendering.trees.flatMap(({ root, files }): Finding[] => {
    const where = `${root}/${rendering.site}`;
    const disk = filesOnDisk(join(base, root, rendering.site));
    if (!disk)
      return [
        {
          check: 'fresh',
          severity: 'error',
          where,
          message: `stale: ${rendering.source} is not rendered (${where}/ is missing): ${fix}`,
        },
      ];
    const changed = [...files.keys()].filter((f) => disk.has(f) && disk.get(f) !== files.get(f));
    const missing = [...files.keys()].filter((f) => !disk.has(f));
    const extra = [...disk.keys()].filter((f) => !files.has(f));
    if (changed.length + missing.length + extra.length === 0) return [];
    const parts = [
      changed.length ? `${changed.length} file(s) differ (${some(changed)})` : '',
      missing.length ? `${missing.length} missing (${some(missing)})` : '',
      extra.length ? `${extra.length} not rendered any more (${some(extra)})` : '',
    ].filter(Boolean);
    return [
      {
        check: 'fresh',
        severity: 'error',
        where,
        message: `stale: not what ${rendering.source} renders now, ${parts.join(', ')}: ${fix}`,
      },
    ];
  });
}
