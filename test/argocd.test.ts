import luaparse from 'luaparse';
import { describe, expect, test } from 'vitest';
import { HEALTH_CHECKS } from '../lib/charts/argocd-health';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { objectOf, renderedApps } from './support/render';

const apps = renderedApps(poc);
const argo = (kind: string, name: string) => objectOf(apps, 'argocd', kind, name) as any;
const childApps = [...apps.keys()].filter((a) => a !== 'argocd');

describe('Applications', () => {
  test.each(childApps)('%s syncs dist/poc/<app> from branch poc-argocd, automated with prune, selfHeal and retry', (name) => {
    const app = argo('Application', name);
    expect(app.spec.source).toEqual({ repoURL: poc.gitops.repoURL, targetRevision: 'poc-argocd', path: `dist/poc/${name}` });
    expect(app.spec.project).toBe('poc');
    expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(app.spec.syncPolicy.retry.limit).toBeGreaterThan(0);
    expect(app.spec.destination.server).toBe('https://kubernetes.default.svc');
  });

  test('every dist folder has exactly one Application', () => {
    const names = apps.get('argocd')!.filter((o) => o.kind === 'Application').map((o) => o.metadata.name).sort();
    // plus cert-manager and the MinIO operator (upstream charts) and kube-prometheus (upstream Git tag)
    expect(names).toEqual([...childApps, 'cert-manager', 'kube-prometheus', 'minio-operator', 'poc-root'].sort());
  });

  test('the operator syncs in an earlier wave than the clusters', () => {
    const wave = (n: string) => Number(argo('Application', n).metadata.annotations['argocd.argoproj.io/sync-wave']);
    expect(wave('postgres-operator')).toBeLessThan(wave('postgres-clusters'));
  });

  test('the root app-of-apps points at the argocd folder of the site branch', () => {
    expect(argo('Application', 'poc-root').spec.source.path).toBe('dist/poc/argocd');
    expect(argo('Application', 'poc-root').spec.source.targetRevision).toBe('poc-argocd');
  });

  test('the target branch is a site setting', () => {
    const labApp = objectOf(renderedApps(lab), 'argocd', 'Application', 'postgres-operator') as any;
    expect(labApp.spec.source.targetRevision).toBe('main');
  });
});

describe('AppProject', () => {
  const project = argo('AppProject', 'poc');
  test('whitelists exactly the cluster-scoped kinds the apps render', () => {
    const rendered = new Set(childApps.flatMap((a) => apps.get(a)!.filter((o) => !o.metadata.namespace)
      .map((o) => `${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}/${o.kind}`)));
    const certManager = ['admissionregistration.k8s.io/MutatingWebhookConfiguration', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration'];
    const kubePrometheus = ['apiregistration.k8s.io/APIService']; // prometheus-adapter's metrics API
    expect(project.spec.clusterResourceWhitelist.map((g: any) => `${g.group}/${g.kind}`).sort()).toEqual([...rendered, ...certManager, ...kubePrometheus].sort());
  });
  test('allows only the namespaces the apps use, in this cluster', () => {
    // default and kube-system: kube-prometheus' Roles for Prometheus to discover the API server and kubelets
    expect(project.spec.destinations.map((d: any) => d.namespace))
      .toEqual(['cert-manager', 'default', 'kube-system', 'minio', 'minio-operator', 'monitoring', 'postgres', 'postgres-operator', 'rook-ceph']);
    for (const d of project.spec.destinations) expect(d.server).toBe('https://kubernetes.default.svc');
  });
  test('allows only this repository and the pinned upstream charts as sources', () => {
    expect(project.spec.sourceRepos)
      .toEqual(['https://charts.jetstack.io', poc.gitops.repoURL, 'https://github.com/prometheus-operator/kube-prometheus.git', 'https://operator.min.io']);
  });
});

describe('argocd-cm', () => {
  const cm = argo('ConfigMap', 'argocd-cm');
  test('is labelled so ArgoCD reads it', () => {
    expect(cm.metadata.labels['app.kubernetes.io/part-of']).toBe('argocd');
  });
  test('tracks resources by annotation (MinIO and kube-prometheus fight label tracking)', () => {
    expect(cm.data['application.resourceTrackingMethod']).toBe('annotation');
  });
  test.each(['argoproj.io_Application', 'acid.zalan.do_postgresql', 'ceph.rook.io_CephCluster'])('has a health check for %s', (gk) => {
    expect(cm.data[`resource.customizations.health.${gk}`]).toMatch(/return hs/);
  });
  test.each(HEALTH_CHECKS.map((h) => [`${h.group}/${h.kind}`, h.lua]))('health check %s is valid Lua', (_gk, lua) => {
    expect(() => luaparse.parse(lua)).not.toThrow();
  });
});
