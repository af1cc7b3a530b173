/**
 * The render step of `npm run import`: every chart of UPSTREAM_CHARTS through the pinned helm
 * (`helm template`, PINNED_VERSIONS.helm) into imports/rendered/<name>-<version>.yaml, from the chart
 * files the copy step put in imports/upstream/. Synth reads the result and never runs helm.
 * The output depends only on the pinned files, values and helm version: no timestamps, no lookups.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { dump } from 'js-yaml';
import { PINNED_VERSIONS } from '../lib/upstream';
import { UPSTREAM_CHARTS, renderedChartPath, upstreamPath, type UpstreamChart } from '../lib/upstream';

export const HELM_BIN = process.env.HELM ?? join(process.cwd(), '.build', 'tools', 'helm');

/** The version the helm binary reports, or undefined when there is none. */
export function helmVersion(): string | undefined {
  try {
    return execFileSync(HELM_BIN, ['version', '--template', '{{.Version}}'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** The Kubernetes version charts see (.Capabilities.KubeVersion): the oldest minor the project supports. */
const KUBE_VERSION = PINNED_VERSIONS.kubernetesSchemas[0];

/** The chart folder: the folder of its Chart.yaml or Chart.template.yaml. */
function chartDir(chart: UpstreamChart): string {
  const manifest = chart.files.find((f) => /\/Chart(\.template)?\.yaml$/.test(f.path));
  if (!manifest) throw new Error(`chart ${chart.name} lists no Chart.yaml or Chart.template.yaml in lib/upstream.ts`);
  return posix.dirname(manifest.path);
}

/**
 * A finished chart in `dest` from its files: for a chart that is build input (cert-manager's in Git),
 * what upstream's release build does: Chart.yaml from Chart.template.yaml with the tag as version and
 * appVersion (image tags default to appVersion), and templates/crds.yaml from the CRD sources.
 */
function assemble(chart: UpstreamChart, dest: string): void {
  const dir = chartDir(chart);
  for (const file of chart.files) {
    const to = join(dest, posix.relative(dir, file.path));
    mkdirSync(dirname(to), { recursive: true });
    cpSync(upstreamPath(file), to);
  }
  const template = join(dest, 'Chart.template.yaml');
  if (chart.files.some((f) => f.path.endsWith('/Chart.template.yaml'))) {
    const text = readFileSync(template, 'utf8')
      .replace(/^(version|appVersion): v0\.1\.0$/gm, `$1: ${chart.version}`)
      .replace('{{IS_PRERELEASE}}', 'false');
    if (text.includes('v0.1.0')) throw new Error(`${chart.name}: Chart.template.yaml still has a v0.1.0 placeholder after filling version and appVersion`);
    writeFileSync(join(dest, 'Chart.yaml'), text);
    rmSync(template);
  }
  if (chart.crdTemplates) {
    const crds = chart.crdTemplates.map((f) => readFileSync(upstreamPath(f), 'utf8').trimEnd()).join('\n---\n');
    writeFileSync(join(dest, 'templates', 'crds.yaml'), `{{- if .Values.installCRDs }}\n${crds}\n{{- end }}\n`);
  }
}

function render(chart: UpstreamChart): string {
  const work = mkdtempSync(join(tmpdir(), `chart-${chart.name}-`));
  try {
    const dir = join(work, chart.name);
    assemble(chart, dir);
    const values = join(work, 'values.yaml');
    writeFileSync(values, dump(chart.values));
    const out = execFileSync(HELM_BIN, ['template', chart.name, dir, '--namespace', chart.namespace, '--kube-version', KUBE_VERSION, '--values', values],
      { encoding: 'utf8', maxBuffer: 64 * 2 ** 20, env: { ...process.env, HELM_CACHE_HOME: join(work, 'cache'), HELM_CONFIG_HOME: join(work, 'config'), HELM_DATA_HOME: join(work, 'data') } });
    // helm names each document's template (# Source: <chart>/templates/…): relative, so the output is the same in any folder
    return `# rendered by 'npm run import' (helm ${PINNED_VERSIONS.helm} template) from ${chartDir(chart)} with the values of UPSTREAM_CHARTS: do not edit\n${out}`;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Renders every pinned chart; fails with how to install helm when the pinned one is missing. */
export function renderCharts(): void {
  const found = helmVersion();
  if (found !== PINNED_VERSIONS.helm) {
    throw new Error(`rendering the pinned charts needs helm ${PINNED_VERSIONS.helm} at ${HELM_BIN}, found ${found ?? 'none'}: run 'npm run tools' (needs Go) or set HELM`);
  }
  const charts: readonly UpstreamChart[] = Object.values(UPSTREAM_CHARTS);
  const outDir = dirname(renderedChartPath(charts[0]));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const chart of charts) writeFileSync(renderedChartPath(chart), render(chart));
  console.error(`rendered ${charts.length} pinned charts to imports/rendered with helm ${PINNED_VERSIONS.helm}`);
}
