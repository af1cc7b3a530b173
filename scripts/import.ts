/**
 * `npm run import`: fetch the pinned upstream files and generate typed classes from them.
 *
 * 1. Every file of lib/upstream.ts, for every train (lib/site/trains/), is copied to imports/upstream/<path>, read from
 *    `$UPSTREAM_MIRROR/raw.githubusercontent.com/<path>` when UPSTREAM_MIRROR is set
 *    (offline machines), else downloaded from its raw URL (through HTTPS_PROXY/HTTP_PROXY,
 *    minus NO_PROXY). All are fetched first; imports/upstream/ is replaced only when every one
 *    arrived, and switched like a synth tree (lib/synth/write-tree.ts).
 * 2. Every train's pinned Helm charts are rendered with the pinned helm into imports/rendered/
 * (scripts/render-charts.ts).
 * 3. `cdk8s import` (its library, so nothing touches the network) generates imports/k8s.ts from the
 *    default train's oldest Kubernetes schema and one module per CRD group from its CRDs: ONE set of
 *    typed classes. Custom resources of a site on another train are validated against that train's
 *    CRDs by `npm run check` (lib/check/schema-validator.ts), where a removed or renamed field fails.
 */
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { EnvHttpProxyAgent, fetch } from 'undici';
import { cliCommand, runCli, type CliSpec } from '../lib/cli';
import { recoverTrees, TreeWriteError, writeSiteTrees } from '../lib/synth/write-tree';
import { renderCharts } from './render-charts';
import { DEFAULT_TRAIN } from '../lib/site/trains';
import { allUpstreamFiles, UPSTREAM, upstreamPath, type UpstreamFile } from '../lib/upstream';
import { writeFileAtomic } from '../lib/write/atomic';

// cdk8s-cli exports no library entry point: load its importers by file path.
const require = createRequire(__filename);
const cliLib = (file: string): unknown =>
  require(join(dirname(require.resolve('cdk8s-cli/package.json')), 'lib', file));
/** The part of cdk8s-cli's importers used here (lib/import/base.d.ts, k8s.d.ts, crd.d.ts). */
interface Importer {
  import(options: { outdir: string; targetLanguage: string; save: boolean }): Promise<void>;
}
const cliUtil = cliLib('util.js') as { download: (url: string) => Promise<string> };
const { ImportKubernetesApi } = cliLib('import/k8s.js') as {
  ImportKubernetesApi: new (options: { apiVersion: string }) => Importer;
};
const { ImportCustomResourceDefinition } = cliLib('import/crd.js') as {
  ImportCustomResourceDefinition: new (manifest: string) => Importer;
};

const OUTDIR = 'imports';

async function fetchPinned(file: UpstreamFile): Promise<string> {
  const mirror = process.env.UPSTREAM_MIRROR;
  if (mirror) {
    const local = join(mirror, new URL(file.url).host, file.path);
    try {
      return readFileSync(local, 'utf8');
    } catch {
      throw new Error(
        `${file.url} is not in UPSTREAM_MIRROR (${local}): add it to the mirror or unset UPSTREAM_MIRROR to download`,
      );
    }
  }
  let res;
  try {
    res = await fetch(file.url, { dispatcher: PROXY });
  } catch (e) {
    throw new Error(
      `download of ${file.url} failed: ${e instanceof Error ? `${e.message}${e.cause instanceof Error ? ` (${e.cause.message})` : ''}` : String(e)}`,
      { cause: e },
    );
  }
  if (!res.ok) throw new Error(`download of ${file.url} failed: HTTP ${res.status}`);
  return res.text();
}

/**
 * Node's own fetch ignores proxy variables: undici's agent honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY (and their
 * lower-case forms).
 */
const PROXY = new EnvHttpProxyAgent();

/** Every pinned file, fetched before anything is written, then swapped into imports/upstream/ at once. */
async function copyPinned(files: readonly UpstreamFile[]): Promise<void> {
  const upstream = new Map<string, string>();
  for (const file of files) upstream.set(file.path, await fetchPinned(file));
  for (const line of recoverTrees(OUTDIR, ['.'])) console.error(line);
  const [s] = writeSiteTrees(OUTDIR, 'upstream', [{ root: '.', files: upstream }]);
  console.error(
    `${OUTDIR}/upstream: ${files.length} pinned upstream files (${s.written} written, ${s.unchanged} unchanged, ${s.removed} removed)`,
  );
}

async function main(): Promise<void> {
  const files = allUpstreamFiles();
  try {
    await copyPinned(files);
  } catch (e) {
    if (e instanceof TreeWriteError && e.switched) throw e;
    throw new Error(`${e instanceof Error ? e.message : String(e)}\nnothing was written: ${OUTDIR}/ is as it was`, {
      cause: e,
    });
  }
  renderCharts();

  // cdk8s import reads through its `download`; serve it the local copies only.
  const byUrl = new Map(files.map((f) => [f.url, upstreamPath(f)]));
  cliUtil.download = async (url: string) => {
    const local = byUrl.get(url);
    if (!local) throw new Error(`cdk8s import asked for ${url}, which is not pinned in lib/upstream.ts`);
    return readFileSync(local, 'utf8');
  };

  // generated into a staging folder, then each module replaces its imports/ file atomically
  const staging = join(OUTDIR, `.generated.new-${process.pid}`);
  const options = { outdir: staging, targetLanguage: 'typescript', save: false };
  await new ImportKubernetesApi({ apiVersion: DEFAULT_TRAIN.versions.kubernetesSchemas[0] }).import(options);
  const crdImports: readonly (readonly UpstreamFile[])[] = [
    [UPSTREAM.zalando.postgresqlCrd],
    [UPSTREAM.rook.crds],
    [UPSTREAM.minio.tenantCrd],
    [UPSTREAM.argocd.applicationCrd, UPSTREAM.argocd.appProjectCrd],
    // only the monitoring kinds we render (Prometheus: the site sizes it); the others are shipped, not typed
    UPSTREAM.kubePrometheus.crds.filter((f) =>
      /(podmonitor|servicemonitor|prometheusrule|prometheus)Custom/.test(f.path),
    ),
    // the CRDs are inside MetalLB's native manifest, with everything else
    [UPSTREAM.metallb],
  ];
  for (const group of crdImports) {
    const manifest = group.map((f) => readFileSync(upstreamPath(f), 'utf8')).join('\n---\n');
    await new ImportCustomResourceDefinition(manifest).import(options);
  }
  const modules = readdirSync(staging).filter((f) => f.endsWith('.ts'));
  for (const name of modules) {
    const text = readFileSync(join(staging, name), 'utf8');
    if (!existsSync(join(OUTDIR, name)) || readFileSync(join(OUTDIR, name), 'utf8') !== text)
      writeFileAtomic(join(OUTDIR, name), text);
  }
  rmSync(staging, { recursive: true, force: true });
  console.error(`generated typed classes in ${OUTDIR}/: ${modules.join(', ')}`);
}

const SPEC: CliSpec = {
  script: 'import',
  summary:
    'Copy the pinned upstream files of lib/upstream.ts into imports/upstream/ (from $UPSTREAM_MIRROR, a local mirror laid out like raw.githubusercontent.com, else downloaded through HTTPS_PROXY/HTTP_PROXY) and regenerate the typed classes in imports/.',
  exitCodes: { 1: 'a pinned file is missing from the mirror or its download failed (imports/ is as it was)' },
  failure: { prefix: '', code: 1 },
};

runCli(SPEC, cliCommand(SPEC), main);
