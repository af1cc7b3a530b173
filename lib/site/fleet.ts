import type { Site } from './model';
import type { SiteIssue } from './issues';
import { STAGES, type Stage } from './schema/fleet';

/**
 * A fleet: one site (the hub) whose ArgoCD manages other sites of this repository through an
 * ApplicationSet, stage after stage (ApplicationSet's RollingSync). The hub lists the sites it
 * manages in rollout order; a site listed nowhere runs its own ArgoCD (the default).
 */

/** A site managed by a hub, with the stage it is rolled out in. */
export interface ManagedSite {
  readonly site: Site;
  readonly stage: Stage;
}

/**
 * The URL of a site's API server as a hub reaches it: its declared control plane endpoint
 * (kubeadm's port 6443 when it names none).
 */
export function apiServerUrl(site: Site): string {
  const endpoint = site.kubernetes.controlPlaneEndpoint;
  return `https://${/:\d+$/.test(endpoint) ? endpoint : `${endpoint}:6443`}`;
}

/** The sites a hub manages, in rollout order; a name with no site fails (fleetIssues says it at its path). */
export function managedSites(hub: Site, sites: readonly Site[]): ManagedSite[] {
  return (hub.fleet?.rollout ?? []).flatMap((step, i) =>
    step.sites.map((name, j) => {
      const site = sites.find((s) => s.name === name);
      if (!site)
        throw new Error(
          `site '${hub.name}': fleet.rollout[${i}].sites[${j}]: no site '${name}' in sites/ (it has ${sites.map((s) => s.name).join(', ')})`,
        );
      return { site, stage: step.stage };
    }),
  );
}

/** The hub that manages a site, and the stage it is in there; undefined for a site that runs its own ArgoCD. */
export function hubOf(site: Site, sites: readonly Site[]): { readonly hub: Site; readonly stage: Stage } | undefined {
  for (const hub of sites) {
    const step = hub.fleet?.rollout.find((s) => s.sites.includes(site.name));
    if (step) return { hub, stage: step.stage };
  }
  return undefined;
}

/**
 * The rules of a fleet, across sites (each issue's path starts with the site whose file to edit): a listed site
 * exists, is listed once (one stage, one hub), is not its own hub nor a hub itself, does not bootstrap its own
 * ArgoCD, reads the hub's repository; the stages run lab before staging before production.
 */
export function fleetIssues(sites: readonly Site[]): SiteIssue[] {
  const issues: SiteIssue[] = [];
  const seen = new Map<string, string>();
  for (const hub of sites) {
    const rollout = hub.fleet?.rollout ?? [];
    rollout.forEach((step, i) => {
      const before = rollout.slice(0, i).find((s) => STAGES.indexOf(s.stage) >= STAGES.indexOf(step.stage));
      if (before)
        issues.push({
          path: `${hub.name}: fleet.rollout[${i}].stage`,
          message: `stage '${step.stage}' comes after '${before.stage}': a rollout runs ${STAGES.join(' before ')}, each stage once; reorder fleet.rollout`,
        });
      step.sites.forEach((name, j) => {
        const path = `${hub.name}: fleet.rollout[${i}].sites[${j}]`;
        const site = sites.find((s) => s.name === name);
        const where = `stage '${step.stage}' of hub '${hub.name}'`;
        const earlier = seen.get(name);
        if (earlier) {
          issues.push({
            path,
            message: `site '${name}' is already in ${earlier}: a site is rolled out in one stage by one hub; remove one`,
          });
          return;
        }
        seen.set(name, where);
        if (!site) {
          issues.push({
            path,
            message: `no site '${name}' in sites/ (it has ${sites.map((s) => s.name).join(', ')}): name a site of this repository`,
          });
        } else if (name === hub.name) {
          issues.push({
            path,
            message: `the hub manages itself with its own root Application: remove '${name}' from its rollout`,
          });
        } else if (site.fleet) {
          issues.push({
            path,
            message: `site '${name}' is a hub itself (it has fleet.rollout): a fleet has one hub; move its sites here or keep it out`,
          });
        } else {
          if (site.bootstrap?.installArgoCd !== false)
            issues.push({
              path: `${name}: bootstrap.installArgoCd`,
              message: `site '${name}' is managed by hub '${hub.name}': its own ArgoCD would fight the hub's over every object; set bootstrap: { installArgoCd: false }`,
            });
          if (site.gitops.repoURL !== hub.gitops.repoURL)
            issues.push({
              path: `${name}: gitops.repoURL`,
              message: `'${site.gitops.repoURL}' is not the repository of hub '${hub.name}' ('${hub.gitops.repoURL}'), whose ApplicationSet reads the site's rendered Applications there: use the same repository`,
            });
        }
      });
    });
  }
  return issues;
}
