import type { Site, SiteNode } from '../../lib/site/model';

/**
 * The lab site (`lab`, sites/lab.ts) grown to `clusters` Postgres clusters (two instances each, default requests) on
 * 3 + clusters/10 Postgres nodes: a site with room to spare at every size, for `npm run bench`
 * and the scale tests.
 */
export function scaledSite(lab: Site, clusters: number): Site {
  const postgresNodes: SiteNode[] = Array.from({ length: 3 + Math.floor(clusters / 10) }, (_, i) => ({
    name: `bench-pg${i + 1}`,
    address: `10.21.${Math.floor(i / 250)}.${(i % 250) + 1}`,
    roles: ['postgres'],
    cpu: 4,
    memory: '16Gi',
  }));
  const [, template] = lab.postgres.clusters;
  return {
    ...lab,
    name: 'bench',
    nodes: [...lab.nodes.filter((n) => !n.roles.includes('postgres')), ...postgresNodes],
    postgres: {
      ...lab.postgres,
      clusters: Array.from({ length: clusters }, (_, i) => ({
        ...template,
        name: `acid-bench-${i}`,
        namespace: `team-${i % 10}`,
        numberOfInstances: 2,
      })),
    },
  };
}
