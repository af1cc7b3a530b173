/**
 * `npm run import`: fetch the pinned upstream files and generate typed classes from them.
 *
 * 1. Every file of lib/upstream.ts is copied to imports/upstream/<path>, read from
 *    `$UPSTREAM_MIRROR/raw.githubusercontent.com/<path>` when UPSTREAM_MIRROR is set
 *    (offline machines), else downloaded from its raw URL.
 * 2. `cdk8s import` (its library, so nothing touches the network) generates
 *    imports/k8s.ts from the pinned Kubernetes 1.26 schema and one module per CRD group.
 */
import { mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { allUpstreamFiles, UPSTREAM, upstreamPath, type UpstreamFile } from '../lib/upstream';

// cdk8s-cli exports no library entry point: load its importers by file path.
const require = createRequire(__filename);
const cliLib = (file: string) => require(join(dirname(require.resolve('cdk8s-cli/package.json')), 'lib', file));
const cliUtil = cliLib('util.js') as { download: (url: string) => Promise<string> };
const { ImportKubernetesApi } = cliLib('import/k8s.js');
const { ImportCustomResourceDefinition } = cliLib('import/crd.js');

const OUTDIR = 'imports';

async function fetchPinned(file: UpstreamFile): Promise<string> {
  const mirror = process.env.UPSTREAM_MIRROR;
  if (mirror) {
    const local = join(mirror, new URL(file.url).host, file.path);
    try {
      return readFileSync(local, 'utf8');
    } catch {
      throw new Error(`${file.url} is not in UPSTREAM_MIRROR (${local}): add it to the mirror or unset UPSTREAM_MIRROR to download`);
    }
  }
  const res = await fetch(file.url);
  if (!res.ok) throw new Error(`download of ${file.url} failed: HTTP ${res.status}`);
  return res.text();
}

async function main(): Promise<void> {
  rmSync(join(OUTDIR, 'upstream'), { recursive: true, force: true });
  const files = allUpstreamFiles();
  for (const file of files) {
    const dest = upstreamPath(file);
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, await fetchPinned(file));
  }
  console.error(`copied ${files.length} pinned upstream files to ${OUTDIR}/upstream`);

  // cdk8s import reads through its `download`; serve it the local copies only.
  const byUrl = new Map(files.map((f) => [f.url, upstreamPath(f)]));
  cliUtil.download = async (url: string) => {
    const local = byUrl.get(url);
    if (!local) throw new Error(`cdk8s import asked for ${url}, which is not pinned in lib/upstream.ts`);
    return readFileSync(local, 'utf8');
  };

  const options = { outdir: OUTDIR, targetLanguage: 'typescript', save: false };
  await new ImportKubernetesApi({ apiVersion: '1.26.0' }).import(options);
  const crdImports: readonly (readonly UpstreamFile[])[] = [
    [UPSTREAM.zalando.postgresqlCrd],
    [UPSTREAM.rook.crds],
    [UPSTREAM.minio.tenantCrd],
    [UPSTREAM.argocd.applicationCrd, UPSTREAM.argocd.appProjectCrd],
    // only the monitoring kinds we render (Prometheus: the site sizes it); the others are shipped, not typed
    UPSTREAM.kubePrometheus.crds.filter((f) => /(podmonitor|servicemonitor|prometheusrule|prometheus)Custom/.test(f.path)),
  ];
  for (const group of crdImports) {
    const manifest = group.map((f) => readFileSync(upstreamPath(f), 'utf8')).join('\n---\n');
    await new ImportCustomResourceDefinition(manifest).import(options);
  }
  console.error(`generated typed classes in ${OUTDIR}/`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
