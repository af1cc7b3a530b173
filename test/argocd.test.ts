import luaparse from 'luaparse';
import { describe, expect, test } from 'vitest';
import { HEALTH_CHECKS } from '../lib/components/argocd/argocd-health';
import { AppChart } from '../lib/constructs/app-chart';
import { buildSite } from '../lib/components/build';
import { COMPONENTS } from '../lib/components';
import type { Component } from '../lib/components/component';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { objectOf, renderedApps } from './support/render';

const apps = renderedApps(poc);
const argo = (kind: string, name: string) => objectOf(apps, 'argocd', kind, name) as any;
const childApps = [...apps.keys()].filter((a) => a !== 'argocd');

describe('Applications', () => {
  test.each(childApps)(
    '%s syncs dist/poc/<app> from branch poc-argocd, automated with prune, selfHeal and retry',
    (name) => {
      const app = argo('Application', name);
      expect(app.spec.source).toEqual({
        repoURL: poc.gitops.repoURL,
        targetRevision: 'poc-argocd',
        path: `dist/poc/${name}`,
      });
      expect(app.spec.project).toBe('poc');
      expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      expect(app.spec.syncPolicy.retry.limit).toBeGreaterThan(0);
      expect(app.spec.destination.server).toBe('https://kubernetes.default.svc');
    },
  );

  test('every dist folder has exactly one Application', () => {
    const names = apps
      .get('argocd')!
      .filter((o) => o.kind === 'Application')
      .map((o) => o.metadata.name)
      .sort();
    // upstream charts and manifests are dist folders too (cert-manager, minio-operator, kube-prometheus): no other
    // source
    expect(childApps).toEqual(expect.arrayContaining(['cert-manager', 'kube-prometheus', 'minio-operator']));
    expect(names).toEqual([...childApps, 'poc-root'].sort());
  });

  test('the operator syncs in an earlier wave than the clusters', () => {
    const wave = (n: string) => Number(argo('Application', n).metadata.annotations['argocd.argoproj.io/sync-wave']);
    expect(wave('postgres-operator')).toBeLessThan(wave('postgres-clusters'));
  });

  test.each([
    ['poc', poc],
    ['lab', lab],
  ])(
    '%s: an Application writing into a namespace another one creates syncs in a later wave (siblings of one wave race: ArgoCD applies them at once)',
    (_, site) => {
      const rendered = renderedApps(site);
      const wave = (app: string) =>
        Number(objectOf(rendered, 'argocd', 'Application', app).metadata.annotations!['argocd.argoproj.io/sync-wave']);
      const createdBy = new Map(
        [...rendered].flatMap(([app, objects]) =>
          objects.filter((o) => o.kind === 'Namespace').map((o) => [o.metadata.name, app] as const),
        ),
      );
      const races = [...rendered]
        .filter(([app]) => app !== 'argocd')
        .flatMap(([app, objects]) =>
          [...new Set(objects.map((o) => o.metadata.namespace).filter((ns): ns is string => !!ns))]
            .filter((ns) => createdBy.has(ns) && createdBy.get(ns) !== app)
            .filter((ns) => wave(createdBy.get(ns)!) >= wave(app))
            .map(
              (ns) =>
                `${app} (wave ${wave(app)}) writes into ${ns}, created by ${createdBy.get(ns)} (wave ${wave(createdBy.get(ns)!)})`,
            ),
        );
      expect(races).toEqual([]);
    },
  );

  test('each Application syncs in the wave its component declares (lib/components/<name>/index.ts waves), each app name declared once', () => {
    const declared = COMPONENTS.flatMap((c) => Object.entries(c.waves));
    expect(new Set(declared.map(([app]) => app)).size).toBe(declared.length);
    const waves = new Map(declared);
    for (const site of [poc, lab]) {
      const applications = renderedApps(site)
        .get('argocd')!
        .filter((o) => o.kind === 'Application' && !o.metadata.name.endsWith('-root'));
      expect(applications.length).toBeGreaterThan(5);
      for (const a of applications)
        expect(Number(a.metadata.annotations!['argocd.argoproj.io/sync-wave']), a.metadata.name).toBe(
          waves.get(a.metadata.name),
        );
    }
  });

  test('a chart whose component declares no wave for it fails synth, naming the file to edit', () => {
    const stray: Component = {
      name: 'stray',
      summary: 'a test component',
      enabledWhen: 'always',
      waves: {},
      enabled: () => true,
      charts: (app) => [new AppChart(app, 'stray-app', { description: 'a chart no wave is declared for' })],
    };
    expect(() => buildSite(poc, [stray])).toThrow(
      "component stray renders the app 'stray-app' but declares no wave for it: add it to waves in lib/components/stray/index.ts",
    );
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
    const rendered = new Set(
      childApps.flatMap((a) =>
        apps
          .get(a)!
          .filter((o) => !o.metadata.namespace)
          .map((o) => `${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}/${o.kind}`),
      ),
    );
    expect(project.spec.clusterResourceWhitelist.map((g: any) => `${g.group}/${g.kind}`).sort()).toEqual(
      [...rendered].sort(),
    );
    // cert-manager's webhooks and prometheus-adapter's metrics API, now that they are rendered
    expect([...rendered]).toEqual(
      expect.arrayContaining([
        'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
        'apiregistration.k8s.io/APIService',
      ]),
    );
  });
  test('allows only the namespaces the apps use, in this cluster', () => {
    // default and kube-system: kube-prometheus' Roles for Prometheus to discover the API server and kubelets
    expect(project.spec.destinations.map((d: any) => d.namespace)).toEqual([
      'cert-manager',
      'default',
      'kube-system',
      'minio',
      'minio-operator',
      'monitoring',
      'postgres',
      'postgres-operator',
      'rook-ceph',
    ]);
    for (const d of project.spec.destinations) expect(d.server).toBe('https://kubernetes.default.svc');
  });
  test('allows only this repository as a source', () => {
    expect(project.spec.sourceRepos).toEqual([poc.gitops.repoURL]);
  });
});

describe('argocd-cm', () => {
  const cm = argo('ConfigMap', 'argocd-cm');
  test('syncs in a wave before every Application and the project: their waves wait on its Application health check', () => {
    const wave = (o: any) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
    const others = apps
      .get('argocd')!
      .filter((o) => o.kind === 'Application' || o.kind === 'AppProject')
      .filter((o) => o.metadata.name !== 'poc-root');
    expect(others.length).toBeGreaterThan(5);
    for (const o of others) expect(wave(cm), o.metadata.name).toBeLessThan(wave(o));
  });
  test('is labelled so ArgoCD reads it', () => {
    expect(cm.metadata.labels['app.kubernetes.io/part-of']).toBe('argocd');
  });
  test('tracks resources by annotation (MinIO and kube-prometheus fight label tracking)', () => {
    expect(cm.data['application.resourceTrackingMethod']).toBe('annotation');
  });
  test.each(['argoproj.io_Application', 'acid.zalan.do_postgresql', 'ceph.rook.io_CephCluster'])(
    'has a health check for %s',
    (gk) => {
      expect(cm.data[`resource.customizations.health.${gk}`]).toMatch(/return hs/);
    },
  );
  test.each(HEALTH_CHECKS.map((h) => [`${h.group}/${h.kind}`, h.lua]))('health check %s is valid Lua', (_gk, lua) => {
    expect(() => luaparse.parse(lua)).not.toThrow();
  });
});
