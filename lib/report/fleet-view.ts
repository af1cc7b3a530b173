import { apiServerUrl, hubOf, managedSites } from '../site/fleet';
import type { Site } from '../site/model';

/**
 * The fleet section of a site report: for a hub, the sites its ArgoCD rolls out, stage by stage; for a managed site,
 * its hub and stage. Empty for a site outside any fleet.
 */
export function fleetView(site: Site, sites: readonly Site[]): string[] {
  return [...rolloutView(site, sites), ...recoveryView(site, sites)];
}

/**
 * The cross-site standbys of the site's clusters, and those other sites keep of them (lib/site/standby.ts).
 */
function recoveryView(site: Site, sites: readonly Site[]): string[] {
  const rows = [
    ...site.postgres.clusters.flatMap((pg) =>
      pg.standby
        ? [
            `| ${pg.name} | standby of \`${pg.standby.cluster}\` of site \`${pg.standby.site}\` | replays its WAL archive from ${pg.standby.s3Endpoint}, read-only until promoted |`,
          ]
        : [],
    ),
    ...sites
      .filter((s) => s.name !== site.name)
      .flatMap((s) =>
        s.postgres.clusters
          .filter((pg) => pg.standby?.site === site.name)
          .map(
            (pg) =>
              `| ${pg.standby!.cluster} | primary, with a standby on site \`${s.name}\` (\`${pg.name}\`) | its WAL archive in this site's S3 store is what the standby replays |`,
          ),
      ),
  ];
  if (rows.length === 0) return [];
  return [
    '## Disaster recovery across sites',
    '',
    'Promoting a standby, redirecting the clients and failing back: [docs/operations.md](../../operations.md#promote-a-standby-cluster-of-another-site-disaster-recovery-redirect-clients-fail-back).',
    '',
    '| cluster | role | how |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ];
}

function rolloutView(site: Site, sites: readonly Site[]): string[] {
  const hub = hubOf(site, sites);
  const managed = site.fleet ? managedSites(site, sites) : [];
  if (!hub && managed.length === 0) return [];
  const lines = ['## Fleet', ''];
  if (managed.length > 0)
    lines.push(
      `This site is a hub: its ArgoCD manages the sites below with the ApplicationSet \`${site.name}-fleet\` (\`dist/${site.name}/fleet\`), one stage after the other and, within a stage, one sync wave after the other (RollingSync). Each site's Applications are generated from its own \`dist/<site>/argocd\`; its cluster's credentials are added at deploy time ([docs/fleet.md](../../fleet.md)).`,
      '',
      '| order | stage | site | API server |',
      '| --- | --- | --- | --- |',
      ...managed.map((m, i) => `| ${i + 1} | ${m.stage} | ${m.site.name} | ${apiServerUrl(m.site)} |`),
      '',
    );
  if (hub)
    lines.push(
      `Managed by the ArgoCD of the hub \`${hub.hub.name}\`, in stage **${hub.stage}** of its rollout: the hub's ApplicationSet generates this site's Applications (named \`${site.name}-<app>\`) from \`dist/${site.name}/argocd\` and syncs them to ${apiServerUrl(site)}; this site runs no ArgoCD of its own ([docs/fleet.md](../../fleet.md)).`,
      '',
    );
  return lines;
}
