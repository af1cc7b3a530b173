import { AppProject, type ApplicationProps } from '../../imports/argoproj.io';
import { minorNumber } from '../core/versions';
import { catalogOf } from './catalog';
import type { Site } from './model';

/** Where ArgoCD runs: its install manifest's namespace, home of every Application. */
export const ARGOCD_NAMESPACE = 'argocd';
/** ArgoCD's own Application: its chart, its dist/<site>/ folder, which the root app-of-apps syncs. */
export const ARGOCD_APP = 'argocd';
/** dist/<site>/argocd, the root Application's source path. */
export const argocdFolder = (site: Pick<Site, 'name'>): string => `dist/${site.name}/${ARGOCD_APP}`;
/** The cluster ArgoCD runs in, as an Application's destination. */
export const IN_CLUSTER = 'https://kubernetes.default.svc';
/** ArgoCD's built-in project: it grants every source, destination and kind until it is emptied. */
export const DEFAULT_PROJECT = 'default';

/**
 * What an AppProject grants, as `group/Kind` (core group empty: `/Secret`) and namespace names. The
 * projects are derived from the objects their Applications render (lib/components/argocd/argocd.ts).
 */
export interface ProjectGrants {
  readonly clusterKinds: readonly string[];
  readonly namespacedKinds: readonly string[];
  readonly namespaces: readonly string[];
}

/**
 * What dist/<site>/argocd renders, so all the root Application's project grants: the Applications,
 * their projects and argocd-cm in `argocd`, and the site-wide PriorityClass. ArgoCdChart refuses to
 * render an object outside it, so this list cannot drift from the folder.
 */
export const ARGOCD_FOLDER_GRANTS: ProjectGrants = {
  clusterKinds: ['scheduling.k8s.io/PriorityClass'],
  namespacedKinds: ['/ConfigMap', 'argoproj.io/AppProject', 'argoproj.io/Application'],
  namespaces: [ARGOCD_NAMESPACE],
};

/** The root Application's own project, which grants exactly what the argocd folder holds. */
export const bootstrapProjectName = (site: Pick<Site, 'name'>): string => `${site.name}-bootstrap`;

/** The project of one app of the site: it grants what that app's folder renders, nothing else. */
export const appProjectName = (site: Pick<Site, 'name'>, app: string): string => `${site.name}-${app}`;

/**
 * Signed commits: ArgoCD refuses to sync a revision not signed by one of the keys (the keys must be in
 * ArgoCD's GnuPG keyring: argocd-gpg-keys-cm). ArgoCD 3.5 declares it as `sourceIntegrity` (argo-cd@v3.5.1
 * manifests/crds/appproject-crd.yaml `sourceIntegrity.git.policies[].gpg`), earlier trains as the
 * `signatureKeys` it deprecates (checks the HEAD commit only).
 */
function signatureGrants(site: Site): Record<string, unknown> {
  const signed = site.gitops.signedCommits;
  if (!signed) return {};
  if (minorNumber(catalogOf(site).versions.argocd) < minorNumber('3.5'))
    return { signatureKeys: signed.keys.map((keyID) => ({ keyID })) };
  return {
    sourceIntegrity: {
      git: {
        policies: [
          { repos: [{ url: site.gitops.repoURL }], gpg: { keys: [...signed.keys], mode: signed.mode ?? 'strict' } },
        ],
      },
    },
  };
}

/** An AppProject as plain data (see appProjectManifest). */
export interface ProjectManifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: Record<string, unknown>;
}

const groupKindOf = (gk: string) => {
  const [group, kind] = gk.split('/');
  return { group, kind };
};

/**
 * An AppProject as plain data: this repository as the only source, the in-cluster destinations and kinds
 * it grants, and the site's signed-commit policy. Plain data because the typed class is generated from
 * the default train's CRD (ArgoCD 2.7), which has no `sourceIntegrity`.
 */
export function appProjectManifest(
  site: Site,
  name: string,
  description: string,
  grants: ProjectGrants,
): ProjectManifest {
  const manifest = AppProject.manifest({
    metadata: { name, namespace: ARGOCD_NAMESPACE },
    spec: {
      description,
      // every Application's source is this repository: dist/ holds every object ArgoCD applies
      sourceRepos: [site.gitops.repoURL],
      destinations: grants.namespaces.map((namespace) => ({ server: IN_CLUSTER, namespace })),
      clusterResourceWhitelist: grants.clusterKinds.map(groupKindOf),
      namespaceResourceWhitelist: grants.namespacedKinds.map(groupKindOf),
      orphanedResources: { warn: true },
    },
  }) as { spec: Record<string, unknown> };
  return {
    ...AppProject.GVK,
    metadata: { name, namespace: ARGOCD_NAMESPACE },
    spec: { ...manifest.spec, ...signatureGrants(site) },
  };
}

/** The root Application's project: the argocd folder's kinds, in `argocd` only. */
export function bootstrapProject(site: Site, siteFile: string): ProjectManifest {
  return appProjectManifest(
    site,
    bootstrapProjectName(site),
    `The root Application of site ${site.name}: its Applications, their projects and ArgoCD's settings, in ${ARGOCD_NAMESPACE} only. Generated: edit ${siteFile}, not this file`,
    ARGOCD_FOLDER_GRANTS,
  );
}

/**
 * ArgoCD's `default` project, emptied: no source, no destination, no kind, so an Application that names
 * it (or none) is refused instead of getting everything (argo-cd docs, "Projects: the default project").
 */
export function emptiedDefaultProject(siteFile: string): ProjectManifest {
  return {
    ...AppProject.GVK,
    metadata: { name: DEFAULT_PROJECT, namespace: ARGOCD_NAMESPACE },
    spec: {
      description: `Emptied: every Application of this site is in a project of its own. Generated: edit ${siteFile}, not this file`,
      sourceRepos: [],
      sourceNamespaces: [],
      destinations: [],
      clusterResourceWhitelist: [],
      namespaceResourceBlacklist: [{ group: '*', kind: '*' }],
    },
  };
}

/**
 * The root app-of-apps: dist/<site>/argocd, so Applications, projects and settings are themselves
 * GitOps-managed, in its own project (bootstrapProject). The first control plane's cloud-init applies
 * both (lib/bootstrap/argocd.ts), the argocd app renders them too.
 */
export function rootApplication(site: Site): ApplicationProps {
  return {
    metadata: { name: `${site.name}-root`, namespace: ARGOCD_NAMESPACE },
    spec: {
      project: bootstrapProjectName(site),
      source: {
        repoUrl: site.gitops.repoURL,
        targetRevision: site.gitops.targetRevision,
        path: argocdFolder(site),
      },
      destination: { server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        retry: { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
      },
    },
  };
}
