import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, describe, expect, test } from 'vitest';
import { catalogOf } from '../lib/site/catalog';
import type { PostgresClusterSpec, Site } from '../lib/site/model';
import type { PostgresAlertThresholds } from '../lib/site/schema/monitoring';
import { clusterNamespace, thresholdsOf } from '../lib/site/resolve';
import { binaryPath, prometheusModuleVersion, promtoolComponent } from '../lib/verify/components';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { renderedApps, type K8sObject } from './support/render';
import { builtBinaries } from './support/tools';

/**
 * The alert rules we render, under `promtool test rules` of the Prometheus release the site's train runs (built by
 * `npm run verify -- --build` into .build/tools/promtool-<tag>/): every rule fires, with its labels and rendered
 * annotations, on series that should fire it, and stays silent on series that should not (the cluster healthy, or
 * another cluster failing). The cases come from the site model (instances, thresholds, backups); the rules from the
 * rendered PrometheusRules, so a rule whose expression, labels or templates drift from what it promises fails here.
 */
const SITES: readonly Site[] = [poc, lab];
const promtoolOf = (site: Site) => binaryPath(promtoolComponent(catalogOf(site).images.prometheus), 'promtool');
const { live } = builtBinaries('promtool rule tests', SITES.map(promtoolOf));

const dir = mkdtempSync(join(tmpdir(), 'alert-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The minute every case is evaluated at: its series start at 0, so every rule's `for` has elapsed. */
const EVAL_MINUTES = 90;
const SAMPLES = 120;

type Labels = Record<string, string>;
interface Series {
  readonly series: string;
  /** promtool's expanding notation over 1-minute steps: `0x120`, `1x84 0x35`. */
  readonly values: string;
}
interface Firing {
  readonly labels: Labels;
  /** What `{{ $value | humanize… }}` renders for this alert, when its annotations use it. */
  readonly value?: string;
}
/** One alert's case: series that fire it (and the alerts expected), series that must not. */
interface AlertCase {
  readonly fire: readonly Series[];
  readonly firing: readonly Firing[];
  readonly quiet: readonly Series[];
}

const selector = (name: string, labels: Labels) =>
  `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ')}}`;
const constant = (name: string, labels: Labels, value: number): Series => ({
  series: selector(name, labels),
  values: `${value}x${SAMPLES}`,
});

/** Prometheus' humanizeDuration for whole seconds (template/template.go). */
function humanizeDuration(seconds: number): string {
  const [d, h, m, sec] = [
    Math.floor(seconds / 86400),
    Math.floor(seconds / 3600) % 24,
    Math.floor(seconds / 60) % 60,
    seconds % 60,
  ];
  if (d) return `${d}d ${h}h ${m}m ${sec}s`;
  if (h) return `${h}h ${m}m ${sec}s`;
  if (m) return `${m}m ${sec}s`;
  return `${sec}s`;
}
/** Prometheus' humanizePercentage of a ratio of two integers below 1000 (a percentage %.4g prints whole). */
const humanizePercentage = (ratio: number) => `${Number((ratio * 100).toPrecision(4))}%`;

const minutes = (d: string) => {
  const m = /^(\d+)([smh])$/.exec(d);
  if (!m) throw new Error(`duration '${d}': the test reads s, m or h only`);
  return (Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h']) / 60;
};

/** The cases of one cluster's alerts, from its spec and thresholds. */
function alertCases(pg: PostgresClusterSpec, t: PostgresAlertThresholds): Record<string, AlertCase> {
  const ns = clusterNamespace(pg);
  const own = { namespace: ns, cluster_name: pg.name };
  // another cluster of the same namespace, failing in every case: never an alert of this cluster
  const other = { namespace: ns, cluster_name: `${pg.name}x` };
  const pod = (i: number, of: Labels = own) => ({ ...of, pod: `${of.cluster_name}-${i}` });
  const replicas = Array.from({ length: pg.numberOfInstances - 1 }, (_, i) => i + 1);
  const lag = t.replicationLagSeconds * 2;
  const busy = Math.ceil(((t.connectionsRatio + 1) / 2) * 100);
  const free = Math.floor((t.volumeFreeRatio / 2) * 1000);
  const pvc = (of: Labels) => ({ namespace: ns, persistentvolumeclaim: `pgdata-${of.cluster_name}-0` });
  return {
    PostgresInstanceDown: {
      // the exporter unreachable, or Postgres unreachable from it
      fire: [constant('up', pod(0), 0), constant('up', pod(1), 1), constant('pg_up', pod(1), 0)],
      firing: [{ labels: pod(0) }, { labels: pod(1) }],
      quiet: [constant('up', pod(0), 1), constant('pg_up', pod(0), 1), constant('up', pod(0, other), 0)],
    },
    PostgresNoPrimary: {
      fire: [0, ...replicas].map((i) => constant('pgplatform_replication_is_replica', pod(i), 1)),
      firing: [{ labels: own }],
      quiet: [
        constant('pgplatform_replication_is_replica', pod(0), 0),
        ...replicas.map((i) => constant('pgplatform_replication_is_replica', pod(i), 1)),
        constant('pgplatform_replication_is_replica', pod(0, other), 1),
      ],
    },
    ...(pg.numberOfInstances > 1
      ? {
          PostgresReplicasBelowSpec: {
            fire: [constant('pgplatform_replication_is_replica', pod(0), 0)],
            firing: [{ labels: own }],
            quiet: [
              constant('pgplatform_replication_is_replica', pod(0), 0),
              ...replicas.map((i) => constant('pgplatform_replication_is_replica', pod(i), 1)),
            ],
          },
        }
      : {}),
    PostgresReplicationLag: {
      fire: [constant('pgplatform_replication_lag_seconds', pod(1), lag)],
      firing: [{ labels: pod(1), value: humanizeDuration(lag) }],
      quiet: [
        constant('pgplatform_replication_lag_seconds', pod(1), t.replicationLagSeconds),
        constant('pgplatform_replication_lag_seconds', pod(1, other), lag),
      ],
    },
    PostgresConnectionsNearMax: {
      fire: [
        constant('pg_stat_activity_count', { ...pod(0), state: 'active' }, busy - 1),
        constant('pg_stat_activity_count', { ...pod(0), state: 'idle' }, 1),
        constant('pg_settings_max_connections', pod(0), 100),
      ],
      firing: [{ labels: pod(0), value: humanizePercentage(busy / 100) }],
      quiet: [
        constant('pg_stat_activity_count', { ...pod(0), state: 'active' }, Math.floor(t.connectionsRatio * 100)),
        constant('pg_settings_max_connections', pod(0), 100),
        constant('pg_stat_activity_count', { ...pod(0, other), state: 'active' }, 100),
        constant('pg_settings_max_connections', pod(0, other), 100),
      ],
    },
    PostgresVolumeNearlyFull: {
      fire: [
        constant('kubelet_volume_stats_available_bytes', pvc(own), free),
        constant('kubelet_volume_stats_capacity_bytes', pvc(own), 1000),
      ],
      firing: [{ labels: { ...pvc(own), cluster_name: pg.name }, value: humanizePercentage(free / 1000) }],
      quiet: [
        constant('kubelet_volume_stats_available_bytes', pvc(own), Math.ceil(t.volumeFreeRatio * 1000)),
        constant('kubelet_volume_stats_capacity_bytes', pvc(own), 1000),
        constant('kubelet_volume_stats_available_bytes', pvc(other), 0),
        constant('kubelet_volume_stats_capacity_bytes', pvc(other), 1000),
      ],
    },
    PostgresFailover: {
      // the primary became a replica 5 minutes before the evaluation
      fire: [
        {
          series: selector('pgplatform_replication_is_replica', pod(0)),
          values: `0x${EVAL_MINUTES - 5} 1x${SAMPLES - EVAL_MINUTES + 4}`,
        },
      ],
      firing: [{ labels: pod(0) }],
      quiet: [
        constant('pgplatform_replication_is_replica', pod(0), 0),
        { series: selector('pgplatform_replication_is_replica', pod(0, other)), values: `0x${EVAL_MINUTES - 5} 1x30` },
      ],
    },
    PostgresBackupsFailing: {
      // the last archive attempt failed after the last success; or attempts failed and none ever succeeded
      fire: [
        constant('pgplatform_archiver_last_failed_time', pod(0), 2000),
        constant('pgplatform_archiver_last_archived_time', pod(0), 1000),
        constant('pgplatform_archiver_failed_count', pod(1), 3),
        constant('pgplatform_archiver_archived_count', pod(1), 0),
      ],
      firing: [{ labels: pod(0) }, { labels: pod(1) }],
      quiet: [
        constant('pgplatform_archiver_last_failed_time', pod(0), 1000),
        constant('pgplatform_archiver_last_archived_time', pod(0), 2000),
        constant('pgplatform_archiver_failed_count', pod(0), 1),
        constant('pgplatform_archiver_archived_count', pod(0), 10),
        constant('pgplatform_archiver_last_failed_time', pod(0, other), 2000),
        constant('pgplatform_archiver_last_archived_time', pod(0, other), 1000),
      ],
    },
  };
}

interface RenderedRule {
  readonly alert: string;
  readonly labels: Labels;
  readonly annotations: Labels;
}

/** An annotation as Prometheus renders it for one alert: only the templates our rules use. */
function rendered(template: string, labels: Labels, value: string | undefined): string {
  return template.replace(/\{\{ ?([^}]*?) ?\}\}/g, (whole, expr: string) => {
    const label = /^\$labels\.(\w+)$/.exec(expr);
    if (label && labels[label[1]] !== undefined) return labels[label[1]];
    if (/^\$value \| humanize(Duration|Percentage)$/.test(expr) && value !== undefined) return value;
    throw new Error(`template ${whole} of '${template}': the test renders $labels.<name> and $value | humanize…`);
  });
}

/** promtool's unit test file for one cluster's rule file: a fire and a quiet test per alert. */
function unitTests(rules: readonly RenderedRule[], cases: Record<string, AlertCase>, ruleFile: string): string {
  const missing = rules.map((r) => r.alert).filter((a) => !cases[a]);
  if (missing.length) throw new Error(`no promtool case for ${missing.join(', ')}: add one to alertCases`);
  const at = `${EVAL_MINUTES}m`;
  const tests = rules.flatMap((rule) => {
    const c = cases[rule.alert];
    const expected = c.firing.map((f) => {
      const labels = { ...f.labels, ...rule.labels };
      return {
        exp_labels: labels,
        exp_annotations: Object.fromEntries(
          Object.entries(rule.annotations).map(([k, v]) => [
            k,
            rendered(v, { ...labels, alertname: rule.alert }, f.value),
          ]),
        ),
      };
    });
    return [
      {
        name: `${rule.alert} fires`,
        interval: '1m',
        input_series: c.fire,
        alert_rule_test: [{ eval_time: at, alertname: rule.alert, exp_alerts: expected }],
      },
      {
        name: `${rule.alert} stays silent`,
        interval: '1m',
        input_series: c.quiet,
        alert_rule_test: [{ eval_time: at, alertname: rule.alert, exp_alerts: [] }],
      },
    ];
  });
  return dump({ rule_files: [ruleFile], evaluation_interval: '1m', tests }, { lineWidth: -1, noRefs: true });
}

function promtool(site: Site, ...args: string[]): { status: number | null; output: string } {
  const out = spawnSync(promtoolOf(site), args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { status: out.status, output: `${out.stdout}${out.stderr}` };
}

const prometheusRules = (site: Site): K8sObject[] =>
  [...renderedApps(site).values()].flat().filter((o) => o.kind === 'PrometheusRule');

test("promtool is built from the Go module of the train's Prometheus release, reporting its version", () => {
  expect([poc, lab].map((s) => promtoolComponent(catalogOf(s).images.prometheus).id)).toEqual([
    'promtool-v2.46.0',
    'promtool-v3.12.0',
  ]);
  expect(['v2.46.0', 'v3.12.0', 'v3.0.1'].map(prometheusModuleVersion)).toEqual(['v0.46.0', 'v0.312.0', 'v0.300.1']);
  expect(() => prometheusModuleVersion('v1.8.2')).toThrow(/expected v2.x.y or v3.x.y/);
  expect(promtoolComponent('registry.example.org:5000/prometheus/prometheus:v3.12.0').linkerSettings).toEqual([
    'github.com/prometheus/common/version.Version=3.12.0',
  ]);
});

describe.runIf(live)("alert rules under the train's promtool", () => {
  test.each(SITES.map((s) => [s.name, s] as const))(
    '%s: promtool is the Prometheus release of the train (promtool --version)',
    (_, site) => {
      const tag = catalogOf(site).images.prometheus.split(':').pop()!.replace(/^v/, '');
      expect(promtool(site, '--version').output).toContain(`promtool, version ${tag} `);
    },
  );

  test.each(SITES.map((s) => [s.name, s] as const))(
    "%s: every rendered PrometheusRule, kube-prometheus' included, passes promtool check rules",
    (_, site) => {
      const files = prometheusRules(site).map((r) => {
        const file = `${site.name}-check-${r.metadata.namespace}-${r.metadata.name}.yaml`;
        writeFileSync(join(dir, file), dump({ groups: (r.spec as { groups: unknown }).groups }, { lineWidth: -1 }));
        return file;
      });
      expect(files.length).toBeGreaterThan(1);
      const out = promtool(site, 'check', 'rules', ...files);
      expect(out.status, out.output).toBe(0);
    },
  );

  const clusters = SITES.flatMap((site) =>
    site.postgres.clusters.map((pg) => [`${site.name}/${pg.name}`, site, pg] as const),
  );
  test.each(clusters)(
    '%s: every alert fires on series that should fire it, with its labels and annotations, and stays silent otherwise',
    (label, site, pg) => {
      const rule = prometheusRules(site).find(
        (r) => r.metadata.namespace === clusterNamespace(pg) && r.metadata.labels?.['cluster-name'] === pg.name,
      );
      expect(rule, `${label} has no PrometheusRule`).toBeDefined();
      const groups = (rule!.spec as { groups: { rules: RenderedRule[] }[] }).groups;
      const ruleFile = `${site.name}-${pg.name}-rules.yaml`;
      writeFileSync(join(dir, ruleFile), dump({ groups }, { lineWidth: -1 }));
      const testFile = `${site.name}-${pg.name}-tests.yaml`;
      const rules = groups.flatMap((g) => g.rules);
      for (const r of rules)
        expect(minutes((r as { for?: string }).for ?? '0s'), r.alert).toBeLessThan(EVAL_MINUTES - 5);
      writeFileSync(
        join(dir, testFile),
        unitTests(rules, alertCases(pg, thresholdsOf(site.monitoring!, pg)), ruleFile),
      );
      const out = promtool(site, 'test', 'rules', testFile);
      expect(out.status, out.output).toBe(0);
      // backups on: all eight alerts of a cluster of several instances are exercised
      expect(rules.length).toBe(6 + (pg.numberOfInstances > 1 ? 1 : 0) + (site.postgres.backups !== undefined ? 1 : 0));
    },
  );

  test('a rule that does not fire on its case fails promtool (so the tests above can fail)', () => {
    const site = lab;
    const pg = site.postgres.clusters[0];
    const broken: RenderedRule & { expr: string } = {
      alert: 'PostgresReplicationLag',
      expr: 'pgplatform_replication_lag_seconds > 1e9',
      labels: { severity: 'warning' },
      annotations: { summary: 'lag' },
    };
    writeFileSync(join(dir, 'broken-rules.yaml'), dump({ groups: [{ name: 'broken', rules: [broken] }] }));
    writeFileSync(
      join(dir, 'broken-tests.yaml'),
      unitTests([broken], alertCases(pg, thresholdsOf(site.monitoring!, pg)), 'broken-rules.yaml'),
    );
    const out = promtool(site, 'test', 'rules', 'broken-tests.yaml');
    expect(out.status).not.toBe(0);
    expect(out.output).toMatch(/PostgresReplicationLag fires/);
  });
});
