import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../lib/core/objects';
import { monitoringComponents } from '../lib/verify/components';
import { forbiddenLines, judgeMonitors, type MonitorFacts } from '../lib/verify/live/monitoring';
import { minimalSite } from './unit/support/site';

const monitor = (kind: MonitorFacts['kind'], namespace: string, name: string, extra: Partial<MonitorFacts> = {}) => ({
  kind,
  namespace,
  name,
  discovered: 0,
  up: 0,
  expected: 0,
  ...extra,
});
const object = (m: MonitorFacts, namespaceSelector: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'monitoring.coreos.com/v1',
  kind: m.kind,
  metadata: { name: m.name, namespace: m.namespace },
  spec: { namespaceSelector },
});

/** A line of Prometheus' log as client-go's reflector writes it when the API server refuses a list (logfmt-quoted). */
const REFUSED =
  'ts=2026-12-08T04:00:00Z caller=klog.go:116 level=error component=k8s_client_runtime func=ErrorDepth msg="pkg/mod/k8s.io/client-go@v0.27.4/tools/cache/reflector.go:231: Failed to watch *v1.Endpoints: failed to list *v1.Endpoints: endpoints is forbidden: User \\"system:serviceaccount:monitoring:prometheus-k8s\\" cannot list resource \\"endpoints\\" in API group \\"\\" in the namespace \\"postgres\\""';

describe('verify runs the monitoring stack live: what fails a site (lib/verify/live/monitoring.ts)', () => {
  test("the API server's refusals are read off Prometheus' log: verb, resource and namespace", () => {
    expect(forbiddenLines(`${REFUSED}\n${REFUSED}\nlevel=info msg=ok`)).toEqual([
      { verb: 'list', resource: 'endpoints', namespace: 'postgres' },
    ]);
    expect(
      forbiddenLines(
        'msg="endpointslices.discovery.k8s.io is forbidden: User \\"x\\" cannot watch resource \\"endpointslices\\" in API group \\"discovery.k8s.io\\" in the namespace \\"monitoring\\""',
      ),
    ).toEqual([{ verb: 'watch', resource: 'endpointslices.discovery.k8s.io', namespace: 'monitoring' }]);
  });

  test('a monitor refused by the API server (403) fails, naming the monitor and the missing permission', () => {
    const m = monitor('PodMonitor', 'postgres', 'postgres-postgres', { expected: 2 });
    const { findings, notVerified } = judgeMonitors([m], [object(m)], forbiddenLines(REFUSED));
    expect(findings).toEqual([
      "PodMonitor postgres/postgres-postgres: Prometheus' service account is refused by the API server (403): it may not list endpoints in namespace postgres: grant it in the prometheus-k8s Role(s) there",
    ]);
    expect(notVerified).toEqual([]);
  });

  test('a refusal in another namespace fails only the monitors that look there (matchNames)', () => {
    const other = monitor('ServiceMonitor', 'monitoring', 'grafana', { discovered: 1, up: 1, expected: 1 });
    const elsewhere = monitor('ServiceMonitor', 'monitoring', 'minio', { expected: 0 });
    const r = judgeMonitors(
      [other, elsewhere],
      [object(other), object(elsewhere, { matchNames: ['minio'] })],
      forbiddenLines(REFUSED),
    );
    expect(r.findings).toEqual([]);
    expect(r.notVerified).toHaveLength(1);
  });

  test('a monitor with nothing discovered although the run has what it selects fails; with nothing to select it is not verified', () => {
    const blind = monitor('ServiceMonitor', 'monitoring', 'alertmanager-main', { expected: 6 });
    const absent = monitor('ServiceMonitor', 'rook-ceph', 'rook-ceph-mgr');
    const seen = monitor('PodMonitor', 'postgres', 'postgres-postgres', { discovered: 2, up: 2, expected: 2 });
    const r = judgeMonitors(
      [blind, absent, seen],
      [blind, absent, seen].map((m) => object(m)),
      [],
    );
    expect(r.findings).toEqual([
      'ServiceMonitor monitoring/alertmanager-main: Prometheus discovered no target although 6 ready Service endpoint port(s) match its selector and ports',
    ]);
    expect(r.notVerified).toEqual([
      'ServiceMonitor rook-ceph/rook-ceph-mgr: no Service it selects has a ready endpoint on its port in this run (what it scrapes does not run here): its discovery is not checked',
    ]);
  });

  test("a monitored site's stack is its train's: the operator and Alertmanager kube-prometheus pins, the train's Prometheus", () => {
    expect(monitoringComponents(minimalSite())).toBeUndefined();
    const m = monitoringComponents(minimalSite({ monitoring: {} }));
    expect([m?.operator.id, m?.prometheus.id, m?.alertmanager.id]).toEqual([
      'prometheus-operator-v0.67.1',
      'prometheus-v2.46.0',
      'alertmanager-v0.26.0',
    ]);
  });
});
