import { describe, expect, test } from 'vitest';
import { upstreamObject, upstreamObjects } from '../lib/constructs/upstream-manifest';
import { asArray, asRecord } from '../lib/core/records';
import type { KubeObject } from '../lib/core/objects';
import { UPSTREAM } from '../lib/upstream';
import { withSite } from './support/render';
import { labOnMinio } from './support/lab-on-minio';
import { siteTree } from './support/trees';

/**
 * The LoadBalancer Services of `loadBalancers.expose` select pods they do not render: ArgoCD's server
 * (installed by the first control plane from the pinned install.yaml), the operator UI and Grafana
 * (rendered from pinned upstream manifests), MinIO's tenant pods (made by its operator). Each must
 * select exactly the pods of its UI and target a port they listen on, or MetalLB hands out an
 * address nothing answers: checked against the pinned files, so an upstream change fails here.
 */
const site = withSite(labOnMinio, (s) => {
  s.postgres.operator = { ...s.postgres.operator, ui: true };
  s.loadBalancers!.expose = { argocd: true, operatorUi: true, grafana: true, minioConsole: true };
});
const objects = siteTree(site).objects.map((o) => o.obj);
const exposed = siteTree(site)
  .objects.filter((o) => o.app === 'load-balancers' && o.obj.kind === 'Service')
  .map((o) => o.obj);

const template = (w: KubeObject) => asRecord(asRecord(w.spec).template);
const podLabels = (w: KubeObject) => asRecord(asRecord(template(w).metadata).labels);
const containerPorts = (w: KubeObject) =>
  asArray(asRecord(template(w).spec).containers)
    .map(asRecord)
    .flatMap((c) => asArray(c.ports).map(asRecord))
    .map((p) => Number(p.containerPort));
const selector = (s: KubeObject) => asRecord(asRecord(s.spec).selector);
const targetPorts = (s: KubeObject) =>
  asArray(asRecord(s.spec).ports)
    .map(asRecord)
    .map((p) => Number(p.targetPort));
const selects = (s: KubeObject, w: KubeObject) =>
  w.metadata.namespace === s.metadata.namespace && Object.entries(selector(s)).every(([k, v]) => podLabels(w)[k] === v);

/**
 * What is wrong with a Service in front of `workloads` (the candidates of its namespace): nothing when it selects one
 * and targets its ports.
 */
function deadEnds(service: KubeObject, workloads: readonly KubeObject[]): string[] {
  const backends = workloads.filter((w) => selects(service, w));
  if (backends.length !== 1)
    return [`selects ${backends.length} workloads (${backends.map((w) => w.metadata.name).join(', ')}), expected 1`];
  return targetPorts(service)
    .filter((p) => !containerPorts(backends[0]).includes(p))
    .map((p) => `targets port ${p}, ${backends[0].metadata.name} listens on ${containerPorts(backends[0]).join(', ')}`);
}

const service = (name: string) => {
  const found = exposed.find((s) => s.metadata.name === name);
  if (!found) throw new Error(`no exposed Service ${name}: ${exposed.map((s) => s.metadata.name).join(', ')}`);
  return found;
};
const workloads = (list: readonly KubeObject[]) =>
  list.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind));

describe("the exposed UIs' LoadBalancer Services reach their pods", () => {
  test('every option renders its Service', () => {
    expect(exposed.map((s) => s.metadata.name).sort()).toEqual([
      'argocd-server-external',
      'grafana-external',
      'minio-console-external',
      'postgres-operator-ui-external',
    ]);
  });

  test("argocd-server-external: the server pods of the pinned install.yaml on 8080, as upstream's own Service argocd-server", () => {
    // install.yaml names no namespace: the first control plane applies it in argocd
    const upstream = workloads(upstreamObjects(UPSTREAM.argocd.install) as unknown as KubeObject[]).map((w) => ({
      ...w,
      metadata: { ...w.metadata, namespace: 'argocd' },
    }));
    expect(upstream.length).toBeGreaterThan(5);
    expect(deadEnds(service('argocd-server-external'), upstream)).toEqual([]);
    const own = upstreamObject(UPSTREAM.argocd.install, 'Service', 'argocd-server') as unknown as KubeObject;
    expect(selector(service('argocd-server-external'))).toEqual(selector(own));
    expect(targetPorts(own)).toContain(targetPorts(service('argocd-server-external'))[0]);
  });

  test('postgres-operator-ui-external and grafana-external: the rendered UI pods (from the pinned manifests) on their ports', () => {
    for (const name of ['postgres-operator-ui-external', 'grafana-external'])
      expect(deadEnds(service(name), workloads(objects)), name).toEqual([]);
  });

  test("minio-console-external: the tenant's pods (label v1.min.io/tenant, as our Tenant's own anti-affinity and PodMonitor select them), console on 9443 because the tenant serves TLS", () => {
    const tenant = objects.find((o) => o.kind === 'Tenant')!;
    expect(selector(service('minio-console-external'))).toEqual({ 'v1.min.io/tenant': tenant.metadata.name });
    expect(service('minio-console-external').metadata.namespace).toBe(tenant.metadata.namespace);
    // the operator's console port is 9443 with TLS, 9090 without (MinIO operator v5.0.6
    // pkg/resources/services/service.go)
    expect(asRecord(tenant.spec).requestAutoCert).toBe(true);
    expect(targetPorts(service('minio-console-external'))).toEqual([9443]);
    const antiAffinity = JSON.stringify(asRecord(tenant.spec).pools);
    expect(antiAffinity).toContain(`"key":"v1.min.io/tenant","operator":"In","values":["${tenant.metadata.name}"]`);
  });

  test('fails on a Service whose pods upstream relabelled or moved to another port', () => {
    const grafana = workloads(objects).find((w) => w.metadata.name === 'grafana')!;
    const relabelled = structuredClone(grafana);
    (asRecord(asRecord(relabelled.spec).template).metadata as { labels: Record<string, string> }).labels[
      'app.kubernetes.io/name'
    ] = 'grafana-server';
    expect(deadEnds(service('grafana-external'), [relabelled])).toEqual(['selects 0 workloads (), expected 1']);
    const moved = structuredClone(grafana);
    for (const c of asArray(asRecord(asRecord(asRecord(moved.spec).template).spec).containers).map(asRecord))
      for (const p of asArray(c.ports).map(asRecord)) p.containerPort = 3001;
    expect(deadEnds(service('grafana-external'), [moved])).toEqual(['targets port 3000, grafana listens on 3001']);
  });
});
