import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { renderSiteReport } from '../lib/report/site-report';
import { SITES } from '../lib/site-files';
import { poc } from '../sites/poc';
import { catalogOf } from '../lib/site/catalog';
import { renderedFiles } from './support/render';

/** The example's catalog (the runbook-2023 train, no overrides). */
const { versions: VERSIONS } = catalogOf(poc);

const ROOT = join(__dirname, '..');
const report = (site = poc) => renderSiteReport(site, renderedFiles(site)).get('README.md')!;
const mermaid = (md: string) => [...md.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('site report (docs/sites/<site>/README.md)', () => {
  test.each(SITES.map((s) => [s.name, s] as const))('is fresh for site %s (synth writes it)', (_n, site) => {
    expect(readFileSync(join(ROOT, 'docs', 'sites', site.name, 'README.md'), 'utf8')).toBe(report(site));
  });

  test('is one file per site, deterministic', () => {
    expect([...renderSiteReport(poc, renderedFiles(poc)).keys()]).toEqual(['README.md']);
    expect(report()).toBe(report());
  });

  test('the placement diagram groups nodes by role and points pinned workloads at their nodes', () => {
    const [placement] = mermaid(report());
    expect(placement.split('\n')[0]).toBe('flowchart LR');
    expect(placement).toContain(
      '  subgraph role_storage["role: storage"]\n    node_dnumcephworker1["dnumcephworker1<br/>2 CPU / 2Gi"]',
    );
    // node-exporter, on every node, is w1
    expect(placement).toContain(
      '  w2(["Postgres instances of acid-test-cluster<br/>app postgres-clusters"])\n  w2 --> node_dnumworker1\n',
    );
    expect(placement).toContain('  w2 --> node_dnumworker2\n');
    expect(placement).toContain('  w1 --> node_debian_cp\n');
    expect(placement).toContain('  subgraph anywhere["unpinned: any untainted node"]');
    for (const node of poc.nodes)
      expect(placement).toContain(`node_${node.name.replace(/-/g, '_')}["${node.name}<br/>`);
  });

  test('every edge of every diagram joins declared ids', () => {
    for (const site of SITES) {
      for (const diagram of mermaid(report(site))) {
        const declared = new Set([...diagram.matchAll(/^\s*(?:subgraph )?([A-Za-z0-9_]+)[[(]/gm)].map((m) => m[1]));
        for (const [, from, to] of diagram.matchAll(/^\s*([A-Za-z0-9_]+) --> ([A-Za-z0-9_]+)$/gm)) {
          expect(declared).toContain(from);
          expect(declared).toContain(to);
        }
      }
    }
  });

  test('the waves diagram orders the Applications after the root app-of-apps', () => {
    const [, waves] = mermaid(report());
    expect(waves).toBe(
      [
        'flowchart LR',
        '  app_poc_root["poc-root<br/>app of apps: dist/poc/argocd"]',
        '  app_poc_root --> wave_m2',
        '  subgraph wave_m2["wave -2"]',
        '    app_cert_manager["cert-manager"]',
        '    app_kube_prometheus_setup["kube-prometheus-setup"]',
        '  end',
        '  subgraph wave_m1["wave -1"]',
        '    app_kube_prometheus["kube-prometheus"]',
        '    app_minio_operator["minio-operator"]',
        '    app_postgres_operator["postgres-operator"]',
        '    app_rook_ceph_operator["rook-ceph-operator"]',
        '  end',
        '  subgraph wave_0["wave 0"]',
        '    app_minio["minio"]',
        '    app_rook_ceph_cluster["rook-ceph-cluster"]',
        '  end',
        '  subgraph wave_1["wave 1"]',
        '    app_postgres_clusters["postgres-clusters"]',
        '  end',
        '  subgraph wave_2["wave 2"]',
        '    app_monitoring["monitoring"]',
        '  end',
        '  wave_m2 --> wave_m1',
        '  wave_m1 --> wave_0',
        '  wave_0 --> wave_1',
        '  wave_1 --> wave_2',
        '',
      ].join('\n'),
    );
  });

  test('capacity, Applications and versions tables', () => {
    const md = report();
    // flannel 100m/50Mi + node-exporter 112m/50Mi + Spilo 10m/100Mi + exporter sidecar 10m/32Mi
    expect(md).toContain(
      '| dnumworker1 | postgres | - | 232m / 1.93 | 232Mi / 1.4Gi | pods of DaemonSet kube-flannel-ds; pods of DaemonSet node-exporter; Postgres instances of acid-test-cluster |',
    );
    // namespace, cluster, exporter queries
    expect(md).toContain('| postgres-clusters | 1 | `dist/poc/postgres-clusters` | - | 3 |');
    expect(md).toContain('| Kubernetes (this site) | 1.26.2 |');
    for (const [k, v] of Object.entries(VERSIONS)) if (typeof v === 'string') expect(md).toContain(`| ${k} | ${v} |`);
    expect(md).toContain(`| kubernetesSchemas | ${VERSIONS.kubernetesSchemas.join(', ')} |`);
    expect(md).toContain(`| pause | 1.26: ${VERSIONS.pause['1.26']}, 1.27: ${VERSIONS.pause['1.27']} |`);
    expect(md).not.toContain('[object Object]');
    expect(md).toContain('- `ghcr.io/zalando/spilo-15:3.0-p1`');
  });
});
