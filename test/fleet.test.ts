import { describe, expect, test } from 'vitest';
import { load } from 'js-yaml';
import { Testing } from 'cdk8s';
import { poc } from '../sites/poc';
import { lab } from '../sites/lab';
import { COMPONENTS } from '../lib/components';
import { buildSite } from '../lib/components/build';
import { FleetChart, waveLabel } from '../lib/components/fleet/fleet';
import { fleetProps } from '../lib/components/fleet';
import { apiServerUrl, fleetIssues } from '../lib/site/fleet';
import type { Site } from '../lib/site/model';
import { IN_CLUSTER } from '../lib/site/gitops';
import { SchemaValidator } from '../lib/check/schema-validator';
import { TRAINS } from '../lib/site/trains';
import { renderedFiles, withSite } from './support/render';
import { generateApplications, selects } from './support/applicationset';
import { ofKind, type Rendered } from './support/kinds';
import type { KubeObject } from '../lib/core/objects';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argoCdInstallsServerSide } from '../lib/bootstrap/argocd';
import { bootstrapObjects } from '../lib/check/sync-plan';
import { catalogOf } from '../lib/site/catalog';
import { resolveSite } from '../lib/site/resolve';
import { applyObject } from '../lib/verify/apply';
import { binaryPath, verifyComponents } from '../lib/verify/components';
import { startControlPlane, stopControlPlane, type ControlPlane } from '../lib/verify/control-plane';
import { Session } from '../lib/verify/session';
import { builtBinaries } from './support/tools';

/** What the tests read of the hub's ApplicationSet (the emulation reads the rest). */
interface ApplicationSetSpec {
  readonly strategy: {
    readonly type: string;
    readonly rollingSync: {
      readonly steps: { readonly matchExpressions: { key: string; operator: string; values: string[] }[] }[];
    };
  };
  readonly [field: string]: unknown;
}

/** A fleet made of the example sites under other names: hub (poc's shape), a lab site and a production site. */
const managed = (site: Site, name: string, endpoint: string) =>
  withSite(site, (d) => {
    d.name = name;
    d.kubernetes.controlPlaneEndpoint = endpoint;
    d.bootstrap = { ...d.bootstrap, installArgoCd: false };
    d.gitops = { ...poc.gitops };
  });
const first = managed(lab, 'site-a', '10.20.0.9:6443');
const second = managed(poc, 'site-b', '10.10.10.30');
const hub = withSite(poc, (d) => {
  d.name = 'hub';
  d.fleet = {
    rollout: [
      { stage: 'lab', sites: ['site-a'] },
      { stage: 'production', sites: ['site-b'] },
    ],
  };
});
const fleet = [hub, first, second];

function hubObjects() {
  const chart = new FleetChart(
    Testing.app(),
    'fleet',
    fleetProps(hub, { peers: fleet, render: (s) => buildSite(s, fleet) }),
  );
  return Testing.synth(chart) as KubeObject[];
}
const objects = hubObjects();
const appSet = objects.find((o) => o.kind === 'ApplicationSet') as KubeObject & { readonly spec: ApplicationSetSpec };

/** A file of the repository, as synth writes it: dist/<site>/... of the fleet's sites. */
function read(path: string): string {
  const [, site, ...rest] = path.split('/');
  const text = renderedFiles(fleet.find((s) => s.name === site)!).get(rest.join('/'));
  if (text === undefined) throw new Error(`no file ${path}`);
  return text;
}
const generated = generateApplications(appSet, read);

/** A site's own Applications as it renders them (dist/<site>/argocd), but its root app-of-apps. */
function ownApplications(site: Site): Rendered<'Application'>[] {
  return ofKind(
    [...renderedFiles(site)]
      .filter(([f]) => f.startsWith('argocd/application-'))
      .map(([, text]) => load(text) as KubeObject),
    'Application',
  ).filter((a) => a.spec.source.path !== `dist/${site.name}/argocd`);
}

describe('a fleet hub renders its sites as ArgoCD objects', () => {
  test('the fleet is a component rendered before ArgoCD, which lists its Application', () => {
    const names = COMPONENTS.map((c) => c.name);
    expect(names.indexOf('fleet')).toBeGreaterThan(-1);
    expect(names.indexOf('fleet')).toBeLessThan(names.indexOf('argocd'));
  });

  test('each managed site is a cluster Secret naming its API server, with no credentials in git', () => {
    const secrets = ofKind(objects, 'Secret');
    expect(secrets.map((s) => s.metadata.name)).toEqual(['cluster-site-a', 'cluster-site-b']);
    for (const s of secrets) {
      expect(s.metadata.labels['argocd.argoproj.io/secret-type']).toBe('cluster');
      expect(Object.keys(s.stringData).sort()).toEqual(['name', 'server']);
      expect(s.data).toBeUndefined();
    }
    expect(secrets[1].stringData).toEqual({ name: 'site-b', server: 'https://10.10.10.30:6443' });
    expect(apiServerUrl(first)).toBe('https://10.20.0.9:6443');
  });

  test('the generated Applications equal what each site renders on its own, aimed at its cluster', () => {
    for (const site of [first, second]) {
      const own = ownApplications(site);
      const mine = generated.filter((g) => g.app.metadata.labels['pg-platform.io/site'] === site.name);
      expect(mine.map((g) => g.app.metadata.name).sort()).toEqual(
        own.map((a) => `${site.name}-${a.metadata.name}`).sort(),
      );
      for (const a of own) {
        const g = mine.find((x) => x.app.metadata.name === `${site.name}-${a.metadata.name}`)!.app;
        expect(g.metadata.annotations).toEqual(a.metadata.annotations);
        expect(g.metadata.finalizers).toEqual(a.metadata.finalizers);
        expect(g.metadata.namespace).toBe(a.metadata.namespace);
        const { destination: gd, ...gspec } = g.spec;
        const { destination: ad, ...aspec } = a.spec;
        expect(gspec).toEqual(aspec);
        expect(ad.server).toBe(IN_CLUSTER);
        expect(gd).toEqual({ name: site.name, namespace: ad.namespace ?? '' });
      }
    }
  });

  test('fails when a site renders an Application field the template does not carry', () => {
    const changed = withSite(first, () => undefined);
    const files = new Map(renderedFiles(changed));
    const [file, text] = [...files].find(([f]) => f.startsWith('argocd/application-postgres-clusters'))!;
    const app = load(text) as Rendered<'Application'>;
    Object.assign(app.spec, { ignoreDifferences: [{ kind: 'Secret', jsonPointers: ['/data'] }] });
    const g = generateApplications(appSet, (p) => (p === `dist/site-a/${file}` ? JSON.stringify(app) : read(p))).find(
      (x) => x.file === `dist/site-a/${file}`,
    )!;
    expect(g.app.spec).not.toHaveProperty('ignoreDifferences');
  });

  test('RollingSync rolls the lab stage out before production, wave by wave, and selects every Application once', () => {
    const steps = appSet.spec.strategy.rollingSync.steps;
    expect(appSet.spec.strategy.type).toBe('RollingSync');
    const stepOf = (labels: Record<string, string>) => steps.findIndex((s) => selects(s, labels));
    for (const g of generated) {
      const labels = g.app.metadata.labels as Record<string, string>;
      expect(steps.filter((s) => selects(s, labels))).toHaveLength(1);
      expect(labels['pg-platform.io/sync-wave']).toBe(
        waveLabel(Number(g.app.metadata.annotations['argocd.argoproj.io/sync-wave'])),
      );
    }
    const lastLab = Math.max(
      ...generated.filter((g) => g.file.includes('/site-a/')).map((g) => stepOf(g.app.metadata.labels)),
    );
    const firstProd = Math.min(
      ...generated.filter((g) => g.file.includes('/site-b/')).map((g) => stepOf(g.app.metadata.labels)),
    );
    expect(lastLab).toBeLessThan(firstProd);
    // within a site, a lower wave is an earlier step
    const b = generated.filter((g) => g.file.includes('/site-b/'));
    for (const x of b)
      for (const y of b) {
        const wx = Number(x.app.metadata.annotations['argocd.argoproj.io/sync-wave']);
        const wy = Number(y.app.metadata.annotations['argocd.argoproj.io/sync-wave']);
        if (wx < wy) expect(stepOf(x.app.metadata.labels)).toBeLessThan(stepOf(y.app.metadata.labels));
      }
  });

  test("each site's AppProjects on the hub are its own, their destinations on its cluster, PriorityClass added to its root's", () => {
    const own = ofKind(
      [...renderedFiles(second)]
        .filter(([file]) => file.startsWith('argocd/appproject-') && file !== 'argocd/appproject-default.yaml')
        .map(([, text]) => load(text) as KubeObject),
      'AppProject',
    );
    const projects = ofKind(objects, 'AppProject');
    expect(own.length).toBeGreaterThan(5);
    for (const o of own) {
      const project = projects.find((x) => x.metadata.name === o.metadata.name)!;
      expect(project.spec.sourceRepos).toEqual(o.spec.sourceRepos);
      expect(project.spec.namespaceResourceWhitelist).toEqual(o.spec.namespaceResourceWhitelist);
      expect(project.spec.destinations).toEqual(
        o.spec.destinations.map((d) => ({ name: 'site-b', namespace: d.namespace })),
      );
    }
    expect(projects.find((x) => x.metadata.name === 'site-b-bootstrap')?.spec.clusterResourceWhitelist).toContainEqual({
      group: 'scheduling.k8s.io',
      kind: 'PriorityClass',
    });
    // every generated Application of the site is allowed by its project
    for (const g of generated.filter((x) => x.file.includes('/site-b/'))) {
      const project = projects.find((x) => x.metadata.name === g.app.spec.project);
      expect(project, g.app.spec.project).toBeDefined();
      const ns = g.app.spec.destination.namespace;
      if (ns) expect(project?.spec.destinations).toContainEqual({ name: 'site-b', namespace: ns });
    }
  });

  // (against runbook-2023's ArgoCD v2.7.7 CRDs: check.test.ts's checkTrees over the committed hub, converged)
  test("the hub objects validate against the current train's ArgoCD v3.5.1 CRDs, strictly", () => {
    const validator = new SchemaValidator('1.36.0', TRAINS.current.versions);
    for (const o of objects) expect(validator.validate(o), `${o.kind} ${o.metadata.name}`).toEqual([]);
  });
});

describe('fleet rules (npm run check)', () => {
  const messages = (sites: Site[]) => fleetIssues(sites).map((i) => `${i.path}: ${i.message}`);

  test('the example-shaped fleet has no issue', () => {
    expect(messages(fleet)).toEqual([]);
  });

  test('fails on a site in two stages', () => {
    const twice = withSite(hub, (d) => d.fleet!.rollout[1].sites.push('site-a'));
    expect(messages([twice, first, second])).toEqual([
      expect.stringMatching(
        /^hub: fleet.rollout\[1\].sites\[1\]: site 'site-a' is already in stage 'lab' of hub 'hub'/,
      ),
    ]);
  });

  test('fails on a rollout that puts production before its lab', () => {
    const reversed = withSite(hub, (d) => d.fleet!.rollout.reverse());
    expect(messages([reversed, first, second])).toEqual([
      expect.stringMatching(/^hub: fleet.rollout\[1\].stage: stage 'lab' comes after 'production'/),
    ]);
  });

  test('fails on a site that does not exist, the hub itself, and a managed site with its own ArgoCD or repository', () => {
    const bad = withSite(hub, (d) => d.fleet!.rollout[0].sites.push('nowhere', 'hub'));
    const own = withSite(second, (d) => {
      d.bootstrap!.installArgoCd = true;
      d.gitops.repoURL = 'https://elsewhere.example/x.git';
    });
    expect(messages([bad, first, own])).toEqual([
      expect.stringMatching(/^hub: fleet.rollout\[0\].sites\[1\]: no site 'nowhere' in sites\//),
      expect.stringMatching(/^hub: fleet.rollout\[0\].sites\[2\]: the hub manages itself/),
      expect.stringMatching(/^site-b: bootstrap.installArgoCd: site 'site-b' is managed by hub 'hub'/),
      expect.stringMatching(/^site-b: gitops.repoURL: /),
    ]);
  });
});

/**
 * The real API server of the hub's Kubernetes version, with the ArgoCD CRDs of its train installed as its bootstrap
 * installs them: it accepts the hub's fleet objects (cluster Secrets, AppProjects, the settings Application, the
 * ApplicationSet) and every Application the ApplicationSet generates, strictly validated.
 */
const hubComponents = verifyComponents(hub);
const { live: apiServerBuilt } = builtBinaries('fleet objects on the real API server', [
  binaryPath(hubComponents.kubernetes, 'kube-apiserver'),
  binaryPath(hubComponents.kwok, 'kwok'),
]);
describe.runIf(apiServerBuilt)("the hub's API server with ArgoCD's CRDs", () => {
  test(
    'accepts the fleet objects and the Applications the ApplicationSet generates',
    { timeout: 180_000 },
    async ({ signal }) => {
      const dir = mkdtempSync(join(tmpdir(), 'fleet-api-'));
      const session = await Session.open(signal);
      let cp: ControlPlane | undefined;
      try {
        cp = await startControlPlane(
          dir,
          hubComponents,
          resolveSite(hub).serviceSubnet,
          hub.kubernetes.podSubnet,
          session,
        );
        const ssa = argoCdInstallsServerSide(catalogOf(hub).versions.argocd);
        const results = [];
        for (const r of bootstrapObjects(hub).filter((o) => o.app === 'argocd-install'))
          results.push(await applyObject(cp.kube, r, ssa));
        const apply = (app: string, obj: KubeObject) =>
          applyObject(cp!.kube, { site: hub.name, app, file: '', obj }, false);
        for (const obj of objects) results.push(await apply('fleet', obj));
        for (const g of generated)
          // the controller creates them as Applications of the template's fields
          results.push(
            await apply('generated', {
              ...g.app,
              apiVersion: 'argoproj.io/v1alpha1',
              kind: 'Application',
            } as KubeObject),
          );
        expect(results.filter((r) => r.verdict !== 'accepted')).toEqual([]);
        const apps = await cp.kube.list('/apis/argoproj.io/v1alpha1/namespaces/argocd/applications');
        expect(apps.length).toBe(generated.length + objects.filter((o) => o.kind === 'Application').length);
        expect(await cp.kube.list('/apis/argoproj.io/v1alpha1/namespaces/argocd/applicationsets')).toHaveLength(1);
      } finally {
        if (cp) await stopControlPlane(cp);
        await session.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
