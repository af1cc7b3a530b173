/**
 * The render step of `npm run import`: every train's charts (lib/upstream.ts chartsOf) through the pinned helm
 * (`helm template`, the trains' `helm`) into imports/rendered/<name>-<version>.yaml, from the chart
 * files the copy step put in imports/upstream/. Synth reads the result and never runs helm.
 * The output depends only on the pinned files, values and helm version: no timestamps, no lookups.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { dump } from 'js-yaml';
import { TRAINS } from '../lib/site/trains';
import { allUpstreamCharts, renderedChartPath, upstreamPath, type UpstreamChart } from '../lib/upstream';

export const HELM_BIN = process.env.HELM ?? join(process.cwd(), '.build', 'tools', 'helm');

/** The version the helm binary reports, or undefined when there is none. */
export function helmVersion(): string | undefined {
  try {
    return execFileSync(HELM_BIN, ['version', '--template', '{{.Version}}'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** The one helm every train pins: the charts of all trains are rendered by the same binary. */
export function pinnedHelm(): string {
  const pinned = [...new Set(Object.values(TRAINS).map((t) => t.versions.helm))];
  if (pinned.length !== 1)
    throw new Error(
      `the trains pin different helm versions (${pinned.join(', ')}): pin one helm in every lib/site/trains/*.ts`,
    );
  return pinned[0];
}

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
  const placeholder = chart.versionPlaceholder;
  if (placeholder !== undefined) {
    const template = chart.files.some((f) => f.path.endsWith('/Chart.template.yaml'))
      ? join(dest, 'Chart.template.yaml')
      : join(dest, 'Chart.yaml');
    const text = readFileSync(template, 'utf8')
      .replace(
        new RegExp(`^(version|appVersion): ${placeholder.replaceAll('.', '\\.')}$`, 'gm'),
        `$1: ${chart.version}`,
      )
      .replace('{{IS_PRERELEASE}}', 'false');
    if (text.includes(placeholder))
      throw new Error(
        `${chart.name}: ${template} still has a ${placeholder} placeholder after filling version and appVersion`,
      );
    rmSync(template);
    writeFileSync(join(dest, 'Chart.yaml'), text);
  }
  if (chart.crdTemplates) {
    const crds = chart.crdTemplates.map((f) => readFileSync(upstreamPath(f), 'utf8').trimEnd()).join('\n---\n');
    writeFileSync(join(dest, 'templates', 'crds.yaml'), `{{- if .Values.installCRDs }}\n${crds}\n{{- end }}\n`);
  }
}

function render(chart: UpstreamChart, kubeVersion: string): string {
  const work = mkdtempSync(join(tmpdir(), `chart-${chart.name}-`));
  try {
    const dir = join(work, chart.name);
    assemble(chart, dir);
    const values = join(work, 'values.yaml');
    writeFileSync(values, dump(chart.values));
    const out = execFileSync(
      HELM_BIN,
      ['template', chart.name, dir, '--namespace', chart.namespace, '--kube-version', kubeVersion, '--values', values],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 2 ** 20,
        env: {
          ...process.env,
          HELM_CACHE_HOME: join(work, 'cache'),
          HELM_CONFIG_HOME: join(work, 'config'),
          HELM_DATA_HOME: join(work, 'data'),
        },
      },
    );
    // helm names each document's template (# Source: <chart>/templates/…): relative, so the output is the same in any
    // folder
    return `# rendered by 'npm run import' (helm ${pinnedHelm()} template --kube-version ${kubeVersion}) from ${chartDir(chart)} with the values of lib/upstream.ts: do not edit\n${out}`;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Renders every train's pinned charts, each at its train's oldest Kubernetes minor (.Capabilities.KubeVersion);
 * fails with how to install helm when the pinned one is missing.
 */
export function renderCharts(): void {
  const helm = pinnedHelm();
  const found = helmVersion();
  if (found !== helm) {
    throw new Error(
      `rendering the pinned charts needs helm ${helm} at ${HELM_BIN}, found ${found ?? 'none'}: run 'npm run tools' (needs Go) or set HELM`,
    );
  }
  const charts = allUpstreamCharts();
  const outDir = dirname(renderedChartPath(charts[0].chart));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const { chart, kubeVersion } of charts) writeFileSync(renderedChartPath(chart), render(chart, kubeVersion));
  console.error(
    `rendered ${charts.length} pinned charts of ${Object.keys(TRAINS).length} trains to imports/rendered with helm ${helm}`,
  );
}
