import type { Finding, SiteTree } from './findings';
import { asArray, asRecord } from '../core/records';
import { groupKind, where, type RenderedObject } from '../core/objects';
import { byText } from '../core/order';
import { ARGOCD_NAMESPACE, DEFAULT_PROJECT } from '../site/gitops';
import { ARGOCD_SECRET_TYPE } from '../core/annotations';

/**
 * The AppProject grants only what its Applications need: the cluster-scoped and namespaced
 * kinds, destination namespaces and source repositories of the objects in their dist folders.
 * Every Application's source is a dist folder of this site (upstream charts are rendered there
 * too), so that every object ArgoCD applies is checked; and every dist folder is synced by one.
 */
interface Needs {
  readonly clusterKinds: Set<string>;
  readonly namespacedKinds: Set<string>;
  readonly namespaces: Set<string>;
  readonly repos: Set<string>;
}

const sourcesOf = (app: Record<string, unknown>) => {
  const spec = asRecord(app.spec);
  return [...(spec.source ? [asRecord(spec.source)] : []), ...asArray(spec.sources).map(asRecord)];
};

function needsOf(tree: SiteTree, apps: readonly RenderedObject[]): { needs: Needs; externals: RenderedObject[] } {
  const needs: Needs = { clusterKinds: new Set(), namespacedKinds: new Set(), namespaces: new Set(), repos: new Set() };
  const externals: RenderedObject[] = [];
  const prefix = `dist/${tree.site.name}/`;
  for (const app of apps) {
    const destination = asRecord(asRecord(app.obj.spec).destination).namespace;
    if (typeof destination === 'string') needs.namespaces.add(destination);
    for (const source of sourcesOf(app.obj)) {
      needs.repos.add(String(source.repoURL));
      const path = typeof source.path === 'string' ? source.path.replace(/\/$/, '') : '';
      if (!path.startsWith(prefix)) {
        externals.push(app);
        continue;
      }
      for (const { obj } of tree.objects.filter((o) => o.app === path.slice(prefix.length))) {
        if (obj.metadata.namespace) {
          needs.namespacedKinds.add(groupKind(obj));
          needs.namespaces.add(obj.metadata.namespace);
        } else {
          needs.clusterKinds.add(groupKind(obj));
        }
        if (obj.kind === 'Namespace') needs.namespaces.add(obj.metadata.name);
      }
    }
  }
  return { needs, externals };
}

const gk = (e: unknown) => `${String(asRecord(e).group ?? '')}/${String(asRecord(e).kind)}`;

function projectFindings(tree: SiteTree, project: RenderedObject): Finding[] {
  const spec = asRecord(project.obj.spec);
  const apps = tree.objects.filter(
    (o) => groupKind(o.obj) === 'argoproj.io/Application' && asRecord(o.obj.spec).project === project.obj.metadata.name,
  );
  const { needs, externals } = needsOf(tree, apps);
  const out: Finding[] = externals.map((app) => ({
    check: 'policy',
    severity: 'error',
    where: `${tree.site.name}/${where(app)}`,
    message: `its source is not a dist/${tree.site.name}/ folder: ArgoCD would apply objects that no check, image list or diff sees; render them into a chart of a component (lib/components/; upstream charts: lib/upstream.ts UPSTREAM_CHARTS)`,
  }));
  const at = `${tree.site.name}/${where(project)}`;
  const report = (severity: Finding['severity'], message: string) =>
    out.push({ check: 'policy', severity, where: at, message });

  const granted = {
    clusterKinds: asArray(spec.clusterResourceWhitelist).map(gk),
    namespacedKinds:
      spec.namespaceResourceWhitelist === undefined ? undefined : asArray(spec.namespaceResourceWhitelist).map(gk),
    namespaces: asArray(spec.destinations).map((d) => String(asRecord(d).namespace)),
    repos: asArray(spec.sourceRepos).map(String),
  };
  const wildcards = [
    ...[...granted.clusterKinds, ...(granted.namespacedKinds ?? [])]
      .filter((k) => k.includes('*'))
      .map((k) => `kind '${k}'`),
    ...asArray(spec.destinations)
      .map(asRecord)
      .filter((d) => d.namespace === '*' || d.server === '*')
      .map((d) => `destination ${String(d.server)} ${String(d.namespace)}`),
    ...granted.repos.filter((r) => r.includes('*')).map((r) => `source repo '${r}'`),
  ];
  if (wildcards.length)
    report('error', `grants wildcards (${wildcards.join(', ')}): list exactly what the apps render`);
  const deniesAll = asArray(spec.namespaceResourceBlacklist).some((e) => gk(e) === '*/*');
  if (granted.namespacedKinds === undefined && !deniesAll)
    report(
      'error',
      'has no namespaceResourceWhitelist, so it grants every namespaced kind: list the kinds the apps render',
    );

  const protectedTargets = granted.namespaces.filter((n) => PROTECTED_NAMESPACES.includes(n));
  const secrets = (granted.namespacedKinds ?? (deniesAll ? [] : ['/*'])).filter((k) => k === '/Secret' || k === '/*');
  if (protectedTargets.length && secrets.length) {
    // what its apps write there: ArgoCD cluster Secrets only (a fleet hub's, without credentials) is a known residual
    const written = apps.flatMap((app) =>
      sourcesOf(app.obj).flatMap((source) =>
        tree.objects.filter(
          (o) =>
            `dist/${tree.site.name}/${o.app}` === String(source.path ?? '').replace(/\/$/, '') &&
            o.obj.kind === 'Secret' &&
            PROTECTED_NAMESPACES.includes(o.obj.metadata.namespace ?? ''),
        ),
      ),
    );
    const clusterSecretsOnly =
      written.length > 0 && written.every((o) => o.obj.metadata.labels?.[ARGOCD_SECRET_TYPE] === 'cluster');
    report(
      clusterSecretsOnly ? 'warning' : 'error',
      `grants Secrets and the destination ${protectedTargets.join(', ')}: an Application of this project could rewrite ArgoCD's or the control plane's Secrets; ${clusterSecretsOnly ? 'its apps write only ArgoCD cluster Secrets there: create them at deploy time, with their credentials, to close it' : 'keep Secrets out of the apps that write there (one project per app: lib/components/argocd/argocd.ts)'}`,
    );
  }

  const compare = (what: string, need: Set<string>, have: readonly string[] | undefined) => {
    if (have === undefined) return;
    const missing = [...need].filter((n) => !have.includes(n)).sort(byText);
    const extra = have.filter((h) => !need.has(h) && !h.includes('*')).sort(byText);
    if (missing.length)
      report(
        'error',
        `does not grant the ${what} ${missing.join(', ')} that its apps render: the sync would be refused; regenerate the project (ArgoCdChart)`,
      );
    if (extra.length)
      report('error', `grants ${what} ${extra.join(', ')} that no app renders: remove them (least privilege)`);
  };
  compare('cluster-scoped kinds', needs.clusterKinds, granted.clusterKinds);
  compare('namespaced kinds', needs.namespacedKinds, granted.namespacedKinds);
  compare('destination namespaces', needs.namespaces, granted.namespaces);
  compare('source repositories', needs.repos, granted.repos);
  return out;
}

/** Every dist folder is the source of an Application, or ArgoCD never applies it. */
function unsyncedFolders({ site, objects }: SiteTree): Finding[] {
  const synced = new Set(
    objects
      .filter((o) => groupKind(o.obj) === 'argoproj.io/Application')
      .flatMap((o) => sourcesOf(o.obj).map((s) => String(s.path ?? '').replace(/\/$/, ''))),
  );
  return [...new Set(objects.map((o) => o.app))]
    .filter((app) => !synced.has(`dist/${site.name}/${app}`))
    .map((app) => ({
      check: 'policy',
      severity: 'error' as const,
      where: `${site.name}/${app}`,
      message: `no Application syncs dist/${site.name}/${app}: ArgoCD never applies it; add its chart to a component in lib/components/ so ArgoCdChart renders one`,
    }));
}

/**
 * A fleet hub's copy of a managed site's AppProject (lib/components/fleet/fleet.ts) names that site's cluster in every
 * destination: its Applications are generated on the hub from the site's own dist/<site>/argocd, whose AppProject this
 * check compares with the site's objects in the site's own tree (test/fleet.test.ts: the copy is that project).
 */
const aimedElsewhere = (project: RenderedObject) => {
  const destinations = asArray(asRecord(project.obj.spec).destinations).map(asRecord);
  return destinations.length > 0 && destinations.every((d) => typeof d.name === 'string' && d.server === undefined);
};

/**
 * Namespaces whose Secrets are the keys to the cluster or to ArgoCD itself (its repository credentials, its
 * admin password, the cluster secrets of other destinations): no project grants Secrets there.
 */
const PROTECTED_NAMESPACES: readonly string[] = [ARGOCD_NAMESPACE, 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * Every Application is in a project this site renders, never in ArgoCD's built-in `default` (which grants
 * every source, destination and kind until emptied), and the site empties `default`.
 */
function projectsOfApplications({ site, objects }: SiteTree): Finding[] {
  const projects = objects.filter((o) => groupKind(o.obj) === 'argoproj.io/AppProject');
  const names = new Set(projects.map((p) => p.obj.metadata.name));
  const out: Finding[] = objects
    .filter((o) => groupKind(o.obj) === 'argoproj.io/Application')
    .flatMap((app) => {
      const project = String(asRecord(app.obj.spec).project ?? '');
      const at = `${site.name}/${where(app)}`;
      if (project === DEFAULT_PROJECT)
        return [
          {
            check: 'policy',
            severity: 'error' as const,
            where: at,
            message: `is in ArgoCD's '${DEFAULT_PROJECT}' project: give it a project of its own that grants what its folder renders (lib/components/argocd/argocd.ts, lib/site/gitops.ts)`,
          },
        ];
      if (!names.has(project))
        return [
          {
            check: 'policy',
            severity: 'error' as const,
            where: at,
            message: `its project '${project}' is not rendered in dist/${site.name}/: nothing here says what it grants; render it (lib/components/argocd/argocd.ts)`,
          },
        ];
      return [];
    });
  const fallback = projects.find((p) => p.obj.metadata.name === DEFAULT_PROJECT);
  const emptied = (spec: Record<string, unknown>) =>
    asArray(spec.sourceRepos).length === 0 &&
    asArray(spec.destinations).length === 0 &&
    asArray(spec.clusterResourceWhitelist).length === 0 &&
    asArray(spec.namespaceResourceBlacklist).some((e) => gk(e) === '*/*');
  if (!fallback || !emptied(asRecord(fallback.obj.spec)))
    out.push({
      check: 'policy',
      severity: 'error',
      where: `${site.name}/argocd`,
      message: `ArgoCD's '${DEFAULT_PROJECT}' project is ${fallback ? 'not emptied' : 'not rendered'}: as installed it grants every source, destination and kind to any Application that names it; render it emptied (lib/site/gitops.ts emptiedDefaultProject)`,
    });
  return out;
}

export function checkAppProjects({ site, objects }: SiteTree): Finding[] {
  return [
    ...unsyncedFolders({ site, objects }),
    ...projectsOfApplications({ site, objects }),
    ...objects
      .filter((o) => groupKind(o.obj) === 'argoproj.io/AppProject' && !aimedElsewhere(o))
      .flatMap((p) => projectFindings({ site, objects }, p)),
  ];
}
