import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { buildSync } from 'esbuild';
import { load } from 'js-yaml';
import { SiteValidationError } from '../site/issues';
import { byText } from '../core/order';
import { PROJECT_ROOT } from '../upstream';

/**
 * The sites of this repository: every `sites/<name>.yaml` (or `.yml`) and `sites/<name>.ts`,
 * discovered from the folder (no list to edit). Files whose name starts with `_` are helpers
 * that sites may import, not sites.
 */

/** One site's source file. */
export interface SiteFile {
  /** The site name, the file name without its extension: the dist/<name>/ folder. */
  readonly name: string;
  /** Path from the project root, `sites/poc.ts`: what generated files name as their source. */
  readonly file: string;
  readonly path: string;
}

export const sitesDir = (root: string = PROJECT_ROOT): string => join(root, 'sites');

const SITE_FILE = /^([^_.][^.]*)\.(ya?ml|ts)$/;

/** The site files of a folder, by name; two files of one name (they would write the same folders) are refused. */
export function discoverSites(dir: string = sitesDir()): SiteFile[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const files = entries
    .filter((f) => SITE_FILE.test(f))
    .sort(byText)
    .map((f) => ({ name: SITE_FILE.exec(f)![1], file: `sites/${f}`, path: join(dir, f) }));
  const clashes = files.filter((f, i) => files.findIndex((g) => g.name === f.name) !== i);
  if (clashes.length > 0) {
    const twice = clashes.map(
      (c) =>
        `${files
          .filter((f) => f.name === c.name)
          .map((f) => f.file)
          .join(' and ')} both write dist/${c.name}/`,
    );
    throw new Error(`${twice.join('; ')}: keep one file per site`);
  }
  return files;
}

/** Runs CommonJS code as a module at `path` (its requires resolve from there); returns its exports. */
export function runModule(code: string, path: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  const run = new Function('module', 'exports', 'require', '__filename', '__dirname', code) as (
    ...args: unknown[]
  ) => void;
  run(module, module.exports, createRequire(path), path, dirname(path));
  return module.exports;
}

/**
 * A TypeScript site (`contents`, else the file), compiled by esbuild (no type check, as synth's bundle) and run; its
 * site is the default or only export.
 */
function evaluateTs(path: string, contents?: string): unknown {
  const input =
    contents === undefined
      ? { entryPoints: [path] }
      : { stdin: { contents, resolveDir: dirname(path), sourcefile: path, loader: 'ts' as const } };
  const code = buildSync({
    ...input,
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  }).outputFiles[0].text;
  const exports = runModule(code, path);
  const exported = Object.keys(exports);
  if ('default' in exports) return exports.default;
  if (exported.length === 1) return exports[exported[0]];
  throw new Error(
    `exports ${exported.length ? exported.join(', ') : 'nothing'}: export the site as its only export or as default`,
  );
}

/** What a site file holds, as data (not validated), and its text for a YAML file (a TypeScript site has no lines to point at). */
export interface SiteInput {
  readonly input: unknown;
  readonly text: string | undefined;
}

/**
 * What a site file describes, as data (not validated: validation is the pipeline's, lib/site-files/validated.ts); from
 * `contents` (an edited version of the file) when given. A file that cannot be read or run throws a SiteValidationError.
 */
export function readSiteInput(site: SiteFile, contents: string | undefined): SiteInput {
  const text = site.file.endsWith('.ts') ? undefined : (contents ?? readFileSync(site.path, 'utf8'));
  try {
    return { input: text === undefined ? evaluateTs(site.path, contents) : load(text, { filename: site.file }), text };
  } catch (e) {
    throw new SiteValidationError(
      site.name,
      [{ path: '', message: `${site.file} cannot be read: ${e instanceof Error ? e.message : String(e)}` }],
      site.file,
    );
  }
}

/** The file a site is described in, for the headers of the files rendered from it. */
export function siteSource(name: string): string {
  return discoverSites().find((f) => f.name === name)?.file ?? `sites/${name}.ts`;
}
