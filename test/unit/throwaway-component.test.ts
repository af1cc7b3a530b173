import { describe, expect, test } from 'vitest';
import { COMPONENTS } from '../../lib/components';
import { buildSite } from '../../lib/components/build';
import { validateSite } from '../../lib/components/validate';
import type { KubeObject } from '../../lib/core/objects';
import { pgadmin } from './throwaway-component';
import { cluster, minimalSite } from './support/site';

/**
 * Adding a component is one folder and one registry line (docs/adding-a-component.md): a made-up pgAdmin
 * (test/unit/throwaway-component/) rendered with the registry plus its line, before argocd, and nothing else edited.
 */
const registry = [
  ...COMPONENTS.filter((c) => c.name !== 'argocd'),
  pgadmin,
  ...COMPONENTS.filter((c) => c.name === 'argocd'),
];
const site = minimalSite({ postgres: { clusters: [cluster('acid-main', { enableConnectionPooler: true })] } });
const charts = buildSite(site, [site], registry).charts;
const app = (name: string) => (charts.find((c) => c.node.id === name)?.toJson() ?? []) as KubeObject[];

describe('a component from one folder and one registry line', () => {
  test('renders its own Application folder: its namespace, Deployment and Service', () => {
    expect(
      app('pgadmin')
        .map((o) => `${o.kind}/${o.metadata.name}`)
        .sort(),
    ).toEqual(['Deployment/pgadmin', 'Namespace/pgadmin', 'Service/pgadmin']);
  });

  test("ArgoCD lists it with its component's wave, in a project granting its namespace and kinds", () => {
    const argocd = app('argocd');
    const application = argocd.find((o) => o.kind === 'Application' && o.metadata.name === 'pgadmin');
    expect(application?.metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBe(String(pgadmin.waves.pgadmin));
    const project = argocd.find((o) => o.kind === 'AppProject' && o.metadata.name === 'unit-pgadmin');
    expect(JSON.stringify(project?.spec)).toContain('"namespace":"pgadmin"');
    expect(JSON.stringify(project?.spec)).toContain('"kind":"Deployment"');
  });

  test('its rule runs with the others; disabled, it renders nothing', () => {
    expect(validateSite(site, registry)).toEqual([]);
    expect(validateSite(minimalSite({ postgres: { clusters: [] } }), registry)).toContainEqual({
      path: 'postgres.clusters',
      message: 'pgAdmin needs a cluster to show',
    });
    expect(buildSite(minimalSite(), [site], registry).charts.some((c) => c.node.id === 'pgadmin')).toBe(false);
  });
});
