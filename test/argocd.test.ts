import { asRecord } from '../lib/core/records';
import { field } from '../lib/core/impact';
import { ofKind, type Kind } from './support/kinds';
import luaparse from 'luaparse';
import { describe, expect, test } from 'vitest';
import { HEALTH_CHECKS } from '../lib/components/argocd/argocd-health';
import { AppChart } from '../lib/constructs/app-chart';
import { buildSite } from '../lib/components/build';
import { COMPONENTS } from '../lib/components';
import type { Component } from '../lib/components/component';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { objectOf, renderedApps, type K8sObject } from './support/render';
import { load, loadAll } from 'js-yaml';
import { ARGOCD_POD_SECURITY } from '../lib/bootstrap/argocd';
import { podSecurityViolations } from '../lib/check/pod-security';
import { catalogOf } from '../lib/site/catalog';
import { loadUpstreamYaml, upstreamOf } from '../lib/upstream';
import { stepScript, userData, writtenFile } from './support/bootstrap';
import { bootstrapPath } from '../lib/bootstrap/step';

const apps = renderedApps(poc);
const argo = <K extends Kind>(kind: K, name: string) => objectOf(apps, 'argocd', kind, name);
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
      expect(app.spec.project).toBe(`poc-${name}`);
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
    expect(() => buildSite(poc, [poc], [stray])).toThrow(
      "component stray renders the app 'stray-app' but declares no wave for it: add it to waves in lib/components/stray/index.ts",
    );
  });

  test('the root app-of-apps points at the argocd folder of the site branch', () => {
    expect(argo('Application', 'poc-root').spec.source.path).toBe('dist/poc/argocd');
    expect(argo('Application', 'poc-root').spec.source.targetRevision).toBe('poc-argocd');
  });

  test('the target branch is a site setting', () => {
    const labApp = objectOf(renderedApps(lab), 'argocd', 'Application', 'postgres-operator');
    expect(labApp.spec.source.targetRevision).toBe('main');
  });
});

describe('AppProjects (issue #30: a closed trust boundary)', () => {
  const projects = ofKind(apps.get('argocd')!, 'AppProject');
  const gks = (list: { group: string; kind: string }[]) => list.map((g) => `${g.group}/${g.kind}`).sort();
  const rendered = (app: string, namespaced: boolean) =>
    [
      ...new Set(
        apps
          .get(app)!
          .filter((o) => !!o.metadata.namespace === namespaced)
          .map((o) => `${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}/${o.kind}`),
      ),
    ].sort();

  test.each(childApps)('%s: its own project grants exactly the kinds its folder renders', (name) => {
    const project = argo('AppProject', `poc-${name}`);
    expect(gks(project.spec.clusterResourceWhitelist)).toEqual(rendered(name, false));
    expect(gks(project.spec.namespaceResourceWhitelist)).toEqual(rendered(name, true));
    expect(project.spec.sourceRepos).toEqual([poc.gitops.repoURL]);
    for (const d of project.spec.destinations) expect(d.server).toBe('https://kubernetes.default.svc');
  });

  test('ClusterRoleBindings and Secrets are granted only to the apps that render them', () => {
    const granting = (gk: string) =>
      projects
        .filter((p) =>
          [...p.spec.clusterResourceWhitelist, ...(p.spec.namespaceResourceWhitelist ?? [])].some(
            (g: any) => `${g.group}/${g.kind}` === gk,
          ),
        )
        .map((p) => p.metadata.name)
        .sort();
    expect(granting('rbac.authorization.k8s.io/ClusterRoleBinding')).toEqual([
      'poc-cert-manager',
      'poc-kube-prometheus',
      'poc-minio-operator',
      'poc-postgres-operator',
      'poc-rook-ceph-operator',
    ]);
    expect(granting('/Secret')).toEqual(['poc-minio-operator']);
  });

  test.each([poc, lab])('no project of $name grants Secrets together with argocd or kube-system', (site) => {
    for (const p of ofKind(renderedApps(site).get('argocd')!, 'AppProject')) {
      const namespaces = p.spec.destinations.map((d) => d.namespace);
      const secrets = (p.spec.namespaceResourceWhitelist ?? []).some((g) => g.kind === 'Secret');
      if (secrets) expect(namespaces, p.metadata.name).not.toContain('kube-system');
      if (secrets) expect(namespaces, p.metadata.name).not.toContain('argocd');
    }
  });

  test('the root Application is in its own bootstrap project, which grants the argocd folder only, in argocd only', () => {
    expect(argo('Application', 'poc-root').spec.project).toBe('poc-bootstrap');
    const bootstrap = argo('AppProject', 'poc-bootstrap');
    expect(bootstrap.spec.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: 'argocd' }]);
    expect(gks(bootstrap.spec.namespaceResourceWhitelist)).toEqual(rendered('argocd', true));
    expect(gks(bootstrap.spec.clusterResourceWhitelist)).toEqual(rendered('argocd', false));
    expect(gks(bootstrap.spec.clusterResourceWhitelist)).toEqual(['scheduling.k8s.io/PriorityClass']);
  });

  test("ArgoCD's default project is emptied: no source, no destination, no kind", () => {
    const fallback = argo('AppProject', 'default');
    expect(fallback.spec).toMatchObject({
      sourceRepos: [],
      destinations: [],
      clusterResourceWhitelist: [],
      namespaceResourceBlacklist: [{ group: '*', kind: '*' }],
    });
    for (const app of ofKind(apps.get('argocd')!, 'Application'))
      expect(app.spec.project, app.metadata.name).not.toBe('default');
  });

  test('no commit signature check unless the site asks; the current train declares sourceIntegrity, the runbook train signatureKeys', () => {
    // ArgoCD 3.5's field, which the generated class (2.7's CRD) does not have
    expect(field(argo('AppProject', 'poc-bootstrap'), 'spec.sourceIntegrity')).toBeUndefined();
    const keys = ['D56C4FCA57A46444'];
    const signed = (site: typeof lab) =>
      renderedApps({ ...site, gitops: { ...site.gitops, signedCommits: { keys } } })
        .get('argocd')!
        .filter((o) => o.kind === 'AppProject' && o.metadata.name !== 'default');
    for (const p of signed(lab))
      expect(field(p, 'spec.sourceIntegrity'), p.metadata.name).toEqual({
        git: { policies: [{ repos: [{ url: lab.gitops.repoURL }], gpg: { keys, mode: 'strict' } }] },
      });
    for (const p of signed(poc)) expect(field(p, 'spec.signatureKeys'), p.metadata.name).toEqual([{ keyID: keys[0] }]);
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

describe('single sign-on (gitops.sso): the local admin account off', () => {
  const labArgo = <K extends Kind>(kind: K, name: string) => objectOf(renderedApps(lab), 'argocd', kind, name);
  test('lab: argocd-cm disables admin, names its URL and the OIDC provider, the client secret by reference only', () => {
    const { data } = labArgo('ConfigMap', 'argocd-cm');
    expect(data['admin.enabled']).toBe('false');
    expect(data.url).toBe('https://argocd.lab.example.org');
    expect(load(data['oidc.config'])).toEqual({
      name: 'Keycloak',
      issuer: 'https://sso.lab.example.org/realms/platform',
      clientID: 'argocd',
      clientSecret: '$argocd-oidc:clientSecret',
      requestedScopes: ['openid', 'profile', 'email', 'groups'],
    });
  });
  test("lab: argocd-rbac-cm gives the admin groups role:admin and nobody else anything, synced with argocd-cm's settings", () => {
    const rbac = labArgo('ConfigMap', 'argocd-rbac-cm');
    expect(rbac.data).toEqual({
      'policy.csv': 'g, platform-admins, role:admin\n',
      'policy.default': '',
      scopes: '[groups]',
    });
    expect(rbac.metadata.labels['app.kubernetes.io/part-of']).toBe('argocd');
    expect(rbac.metadata.annotations).toEqual(labArgo('ConfigMap', 'argocd-cm').metadata.annotations);
  });
  test('poc (no SSO, ArgoCD not exposed): the local admin stays, no RBAC settings rendered', () => {
    expect(argo('ConfigMap', 'argocd-cm').data['admin.enabled']).toBeUndefined();
    expect(apps.get('argocd')!.some((o) => o.metadata.name === 'argocd-rbac-cm')).toBe(false);
  });
});

describe('the bootstrap of ArgoCD (first control plane)', () => {
  const ud = userData(poc, 'debian-cp');
  test('labels the argocd namespace it creates with Pod Security restricted, which every pod of both trains’ install manifests meets', () => {
    expect(stepScript(ud, '60-install-argocd')).toContain(
      'kubectl label --overwrite namespace argocd pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/warn=restricted pod-security.kubernetes.io/audit=restricted',
    );
    for (const site of [poc, lab]) {
      const pods = loadUpstreamYaml(upstreamOf(catalogOf(site).versions).argocd.install).filter((m) =>
        ['Deployment', 'StatefulSet'].includes(m.kind),
      );
      expect(pods.length).toBeGreaterThan(5);
      for (const m of pods)
        expect(
          podSecurityViolations(asRecord(field(m, 'spec.template')), ARGOCD_POD_SECURITY),
          m.metadata.name,
        ).toEqual([]);
    }
  });
  test('applies the bootstrap project and the emptied default project before the root Application, as the argocd folder renders them', () => {
    const docs = loadAll(writtenFile(ud, bootstrapPath('argocd-root-application.yaml'))) as K8sObject[];
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'AppProject/poc-bootstrap',
      'AppProject/default',
      'Application/poc-root',
    ]);
    for (const d of docs) {
      const { labels: _l, ...rendered } = objectOf(apps, 'argocd', d.kind, d.metadata.name).metadata;
      expect(d.spec).toEqual(objectOf(apps, 'argocd', d.kind, d.metadata.name).spec);
      expect(rendered.name).toBe(d.metadata.name);
    }
  });
});
