import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { build, type Plugin } from 'esbuild';
import { formatTerminal } from '../diff/format';
import { diffFiles, type FileDiff } from '../diff/host-files';
import { kubeadmPlans } from '../diff/kubeadm-plan';
import { diffTrees, type TreeDiff } from '../diff/semantic';
import type { Site } from '../site/model';
import { runModule } from '../site-files/load';
import type { FileTree } from '../core/file-tree';
import type { Operation, SourceEdit } from './catalog';
import type * as SynthEntry from './synth-entry';

/**
 * What an operation's change does, measured in this process: the edits are applied to the
 * sources in memory, the project is bundled from them (esbuild, as synth does) and the site
 * rendered before and after. Nothing is copied or written.
 */
export interface OperationResult {
  /** The change as a unified diff of the sources. */
  readonly sourceDiff: string;
  /** The semantic diff of dist/ (absent when the change is refused). */
  readonly diff?: TreeDiff;
  readonly hostFiles: readonly FileDiff[];
  /** What `npm run diff` prints after `npm run synth`, or synth's error when the change is refused. */
  readonly output: string;
  /** The `kubeadm upgrade` plan `npm run diff` ends with (lib/diff/kubeadm-plan.ts): none unless a node's Kubernetes changes. */
  readonly plan: readonly string[];
}

/** Sources as edited in memory: path relative to the project root → text. */
type Sources = ReadonlyMap<string, string>;

function applyEdit(
  root: string,
  sources: Sources,
  edit: SourceEdit,
): { sources: Sources; before: string; after: string } {
  const before = sources.get(edit.file) ?? readFileSync(join(root, edit.file), 'utf8');
  const count = before.split(edit.from).length - 1;
  if (count !== 1)
    throw new Error(
      `${edit.file}: expected '${edit.from}' once, found it ${count} times: update lib/operations/catalog.ts`,
    );
  const after = before.replace(edit.from, edit.to);
  return { sources: new Map([...sources, [edit.file, after]]), before, after };
}

/** The parts of synth an operation needs, from a bundle of the (edited) sources. */
type Synth = typeof SynthEntry;

const bundles = new Map<string, Promise<Synth>>();

/**
 * synth bundled from the sources with the edits of every file but the site's (sites are read at run time, as synth
 * does).
 */
function synthOf(root: string, sources: Sources, siteFile: string): Promise<Synth> {
  const edited = new Map([...sources].filter(([f]) => f !== siteFile));
  const key = `${root}\0${JSON.stringify([...edited])}`;
  const cached = bundles.get(key);
  if (cached) return cached;
  const overlay: Plugin = {
    name: 'edited-sources',
    setup: (build) =>
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        const text = edited.get(relative(root, args.path));
        return text === undefined ? undefined : { contents: text, loader: 'ts' };
      }),
  };
  const synth = build({
    entryPoints: [join(root, 'lib', 'operations', 'synth-entry.ts')],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
    plugins: [overlay],
  }).then((out) => runModule(out.outputFiles[0].text, join(root, 'operation.cjs')) as unknown as Synth);
  bundles.set(key, synth);
  return synth;
}

/**
 * A site as `npm run synth -- --site <site>` renders it: its model, dist/ and host-bootstrap/ (files relative to the
 * site's folder).
 */
export interface RenderedSite {
  readonly site: Site;
  readonly dist: FileTree;
  readonly host: FileTree;
}

/** The site rendered from the (edited) sources, or synth's error. */
async function render(root: string, sources: Sources, site: string): Promise<RenderedSite | { error: string }> {
  const siteFile = { name: site, file: `sites/${site}.ts`, path: join(root, 'sites', `${site}.ts`) };
  const synth = await synthOf(root, sources, siteFile.file);
  try {
    const model = synth.readSiteText(siteFile, sources.get(siteFile.file));
    const [{ trees }] = synth.renderSites([model]);
    return { site: model, dist: trees[0].files, host: trees[1].files };
  } catch (e) {
    return { error: synth.synthFailure(e) };
  }
}

const prefixed = (site: string, files: FileTree) => new Map([...files].map(([f, text]) => [`${site}/${f}`, text]));

/**
 * The site before the operation's change (its setup applied) and after it, as synth renders them;
 * `after` is synth's error when the change is refused. verify's day-2 test syncs a live cluster to both.
 */
export async function operationSites(
  op: Operation,
  root: string,
  site = op.site ?? 'poc',
): Promise<{ before: RenderedSite; after: RenderedSite | { error: string }; sourceDiff: string }> {
  let sources: Sources = new Map();
  for (const e of op.setup ?? []) sources = applyEdit(root, sources, e).sources;
  const before = await render(root, sources, site);
  if ('error' in before)
    throw new Error(`operation ${op.id}: the starting point does not synthesize:\n${before.error}`);
  const sourceDiff = op.change
    .map((e) => {
      const edit = applyEdit(root, sources, e);
      sources = edit.sources;
      return createTwoFilesPatch(`a/${e.file}`, `b/${e.file}`, edit.before, edit.after, '', '', { context: 1 })
        .split('\n')
        .slice(1)
        .join('\n')
        .trimEnd();
    })
    .join('\n');
  return { before, after: await render(root, sources, site), sourceDiff };
}

/**
 * The operation's setup, then its change, applied to the sources in memory and rendered before and after the change.
 */
export async function runOperation(op: Operation, root: string, site = op.site ?? 'poc'): Promise<OperationResult> {
  const { before, after, sourceDiff } = await operationSites(op, root, site);
  if (op.refused) {
    if (!('error' in after)) throw new Error(`operation ${op.id} should be refused, but synth accepted it`);
    return { sourceDiff, hostFiles: [], output: after.error.trimEnd(), plan: [] };
  }
  if ('error' in after) throw new Error(`operation ${op.id}: synth failed:\n${after.error}`);
  const diff = diffTrees(prefixed(site, before.dist), prefixed(site, after.dist));
  const host = { before: prefixed(site, before.host), after: prefixed(site, after.host) };
  const hostFiles = diffFiles(host.before, host.after);
  return { sourceDiff, diff, hostFiles, output: formatTerminal(diff, hostFiles), plan: kubeadmPlans(host) };
}
