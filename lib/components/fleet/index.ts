import { FleetChart, type FleetMember, type FleetProps } from './fleet';
import type { Site } from '../../site/model';
import { WAVES } from '../../constructs/argocd-sync';
import { groupKind, manifestFile, type KubeObject } from '../../core/objects';
import { SYNC_WAVE } from '../../core/annotations';
import { asRecord } from '../../core/records';
import { apiServerUrl, managedSites, type ManagedSite } from '../../site/fleet';
import { ARGOCD_APP, ARGOCD_NAMESPACE, DEFAULT_PROJECT, argocdFolder, bootstrapProjectName } from '../../site/gitops';
import type { Component, RenderContext } from '../component';

/** A managed site as its own rendering describes it: its AppProjects and its Applications but the root. */
function fleetMember({ site, stage }: ManagedSite, render: RenderContext['render']): FleetMember {
  const argocd = render(site).charts.find((c) => c.node.id === ARGOCD_APP);
  const objects = (argocd?.toJson() ?? []) as KubeObject[];
  // its own projects (one per Application, and its root's), not ArgoCD's default, which each cluster empties itself
  const projects = objects.filter(
    (o) => groupKind(o) === 'argoproj.io/AppProject' && o.metadata.name !== DEFAULT_PROJECT,
  );
  const root = argocdFolder(site);
  if (!projects.length) throw new Error(`site '${site.name}' renders no AppProject in ${root}`);
  return {
    name: site.name,
    stage,
    server: apiServerUrl(site),
    gitops: site.gitops,
    projects,
    settingsProject: bootstrapProjectName(site),
    applications: objects
      .filter((o) => groupKind(o) === 'argoproj.io/Application' && asRecord(asRecord(o.spec).source).path !== root)
      .map((o) => ({
        file: manifestFile(ARGOCD_APP, ARGOCD_NAMESPACE, o),
        wave: Number(o.metadata.annotations?.[SYNC_WAVE] ?? 0),
      })),
  };
}

/** The fleet chart's props for a hub, the managed sites taken from the context's peers. */
export function fleetProps(hub: Site, { peers, render }: Pick<RenderContext, 'peers' | 'render'>): FleetProps {
  return { hub: hub.name, gitops: hub.gitops, sites: managedSites(hub, peers).map((m) => fleetMember(m, render)) };
}

/**
 * A fleet's hub: the sites its ArgoCD manages (fleet.rollout), their clusters, projects and one ApplicationSet that
 * rolls them out stage by stage (lib/components/fleet/fleet.ts, docs/fleet.md). The managed sites are among the peers
 * the pipeline passes in (RenderContext).
 */
export const fleet: Component = {
  name: 'fleet',
  summary: 'the hub of a fleet: cluster Secrets, AppProjects and the ApplicationSet of the sites it manages',
  enabledWhen: '`fleet`',
  // after the hub's own platform: the fleet is what the hub does once it runs
  waves: { fleet: WAVES.workloads },
  enabled: (site) => site.fleet !== undefined,
  charts: (app, site, context) => [new FleetChart(app, 'fleet', fleetProps(site, context))],
};
