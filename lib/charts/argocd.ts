import { ApiObject, App } from 'cdk8s';
import { Application, AppProject, type ApplicationProps, type ApplicationSpecSource } from '../../imports/argoproj.io';
import { KubeConfigMap } from '../../imports/k8s';
import { AppChart } from '../constructs/app-chart';
import { podSecurityLabels, type PodSecurityLevel } from '../constructs/platform-namespace';
import { WAVES, setSyncWave } from '../constructs/argocd-sync';
import { mirrorUrl } from '../site/mirrors';
import type { Site } from '../site/model';
import { HEALTH_CHECKS } from './argocd-health';
import { byText } from '../order';
import { siteSource } from '../sites/load';

export const ARGOCD_NAMESPACE = 'argocd';
const IN_CLUSTER = 'https://kubernetes.default.svc';

/**
 * The root app-of-apps: this folder, so Applications, project and settings are themselves
 * GitOps-managed. The first control plane's cloud-init applies it (lib/bootstrap/argocd.ts).
 */
export function rootApplication(site: Site): ApplicationProps {
  return {
    metadata: { name: `${site.name}-root`, namespace: ARGOCD_NAMESPACE },
    spec: {
      project: 'default',
      source: { repoUrl: site.gitops.repoURL, targetRevision: site.gitops.targetRevision, path: `dist/${site.name}/argocd` },
      destination: { server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE },
      syncPolicy: { automated: { prune: true, selfHeal: true }, retry: { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } } },
    },
  };
}

/** An Application whose manifests come from elsewhere than dist/ (a pinned upstream chart or git tag). */
export interface ExternalApp {
  readonly name: string;
  readonly wave: number;
  readonly namespace: string;
  readonly description: string;
  readonly source: ApplicationSpecSource;
  /** Cluster-scoped kinds the upstream source creates, for the AppProject whitelist (`group/Kind`). */
  readonly clusterKinds: readonly string[];
  /** Namespaced kinds the upstream source creates (hooks included), for the AppProject whitelist (`group/Kind`). */
  readonly namespacedKinds: readonly string[];
  /** Namespaces besides `namespace` the upstream source writes to. @default - none */
  readonly otherNamespaces?: readonly string[];
  /**
   * Pod Security level of the namespace ArgoCD creates for it (CreateNamespace with these labels).
   * @default - the namespace is rendered by another app of this site
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Apply the whole Application server-side: for upstream sources whose objects (CRDs) are too big
   * for client-side apply and cannot be annotated one by one. Not by default: app-wide server-side
   * apply had open bugs in ArgoCD 2.7 (PITFALLS.md). @default false
   */
  readonly serverSideApply?: boolean;
  /** Images the upstream source runs, for `npm run images` and air-gapped mirrors. */
  readonly images: readonly string[];
}

/** An upstream source as an air-gapped site reaches it: Helm repositories via the HTTP mirror, Git via the Git mirror. */
function mirroredSource(site: Site, source: ApplicationSpecSource): ApplicationSpecSource {
  if (!site.mirrors) return source;
  return { ...source, repoUrl: mirrorUrl(source.chart ? site.mirrors.http : site.mirrors.git, source.repoUrl) };
}

/** What one Application needs: its name, wave, destination and source. */
interface AppEntry {
  readonly name: string;
  readonly wave: number;
  readonly namespace?: string;
  readonly source: ApplicationSpecSource;
  readonly serverSideApply?: boolean;
  /** For upstream sources: the namespace is created by ArgoCD, with these Pod Security labels. */
  readonly podSecurity?: PodSecurityLevel;
}

/** Application-wide sync options of an upstream source: a namespace ArgoCD creates, server-side apply. */
const syncOptions = (e: AppEntry): string[] => [...(e.podSecurity ? ['CreateNamespace=true'] : []), ...(e.serverSideApply ? ['ServerSideApply=true'] : [])];

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

/**
 * The site's ArgoCD wiring: an AppProject that grants exactly the kinds and namespaces the
 * rendered apps use, one Application per app, a root app-of-apps, and the argocd-cm settings
 * (annotation tracking, health checks ArgoCD 2.7 lacks, which sync waves need).
 */
export class ArgoCdChart extends AppChart {
  constructor(app: App, site: Site, apps: readonly AppChart[], externalApps: readonly ExternalApp[] = []) {
    super(app, { name: 'argocd', wave: WAVES.project, namespace: ARGOCD_NAMESPACE, description: 'ArgoCD project, Applications and settings for this site' });
    const project = site.name;
    const externals = externalApps.map((e) => ({ ...e, source: mirroredSource(site, e.source) }));
    const sourceRepos = [...new Set([site.gitops.repoURL, ...externals.map((e) => e.source.repoUrl)])].sort(byText);

    const entries: AppEntry[] = [
      ...apps.map((a) => ({
        name: a.appName, wave: a.wave, namespace: a.destinationNamespace,
        source: { repoUrl: site.gitops.repoURL, targetRevision: site.gitops.targetRevision, path: `dist/${site.name}/${a.appName}` },
      })),
      ...externals,
    ].sort((a, b) => a.wave - b.wave || byText(a.name, b.name));

    const { clusterKinds, namespacedKinds, namespaces } = this.inventory(apps);
    for (const e of externals) {
      e.clusterKinds.forEach((k) => clusterKinds.add(k));
      e.namespacedKinds.forEach((k) => namespacedKinds.add(k));
      [e.namespace, ...(e.otherNamespaces ?? [])].forEach((ns) => namespaces.add(ns));
    }
    const split = (gk: string) => { const [group, kind] = gk.split('/'); return { group, kind }; };

    const appProject = new AppProject(this, 'Project', {
      metadata: { name: project, namespace: ARGOCD_NAMESPACE },
      spec: {
        description: `Platform apps of site ${site.name}, generated: edit ${siteSource(site.name)}, not this file`,
        sourceRepos,
        destinations: [...namespaces].sort(byText).map((namespace) => ({ server: IN_CLUSTER, namespace })),
        clusterResourceWhitelist: [...clusterKinds].sort(byText).map(split),
        namespaceResourceWhitelist: [...namespacedKinds].sort(byText).map(split),
        orphanedResources: { warn: true },
      },
    });
    setSyncWave(appProject, WAVES.project);

    for (const e of entries) {
      const application = new Application(this, `App-${e.name}`, {
        metadata: {
          name: e.name,
          namespace: ARGOCD_NAMESPACE,
          // deleting the Application deletes its objects, except those marked Delete=false
          finalizers: ['resources-finalizer.argocd.argoproj.io'],
        },
        spec: {
          project,
          source: e.source,
          destination: { server: IN_CLUSTER, ...(e.namespace ? { namespace: e.namespace } : {}) },
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            ...(syncOptions(e).length ? { syncOptions: syncOptions(e) } : {}),
            // an upstream source that does not render its namespace: ArgoCD creates it, labelled like ours
            ...(e.podSecurity ? { managedNamespaceMetadata: { labels: podSecurityLabels(e.podSecurity) } } : {}),
            // automated sync does not retry a failed sync by itself
            retry: { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
          },
        },
      });
      setSyncWave(application, e.wave);
    }

    new Application(this, 'Root', rootApplication(site));

    new KubeConfigMap(this, 'Settings', {
      metadata: {
        name: 'argocd-cm',
        namespace: ARGOCD_NAMESPACE,
        // ArgoCD only reads settings ConfigMaps carrying this label
        labels: { 'app.kubernetes.io/name': 'argocd-cm', 'app.kubernetes.io/part-of': 'argocd' },
      },
      data: {
        // label tracking fights the MinIO operator and kube-prometheus selectors (minio/operator#2287)
        'application.resourceTrackingMethod': 'annotation',
        ...Object.fromEntries(HEALTH_CHECKS.map((h) => [`resource.customizations.health.${h.group}_${h.kind}`, h.lua])),
      },
    });
  }

  /** Kinds (cluster-scoped and namespaced) and namespaces of every object the child apps render: all the project grants. */
  private inventory(apps: readonly AppChart[]) {
    const clusterKinds = new Set<string>();
    const namespacedKinds = new Set<string>();
    const namespaces = new Set<string>();
    for (const chart of apps) {
      for (const obj of chart.node.findAll().filter(ApiObject.isApiObject)) {
        const gk = `${groupOf(obj.apiVersion)}/${obj.kind}`;
        const ns = obj.metadata.namespace;
        if (ns) {
          namespacedKinds.add(gk);
          namespaces.add(ns);
        } else {
          clusterKinds.add(gk);
        }
        if (obj.kind === 'Namespace') namespaces.add(obj.metadata.name!);
      }
      if (chart.destinationNamespace) namespaces.add(chart.destinationNamespace);
    }
    return { clusterKinds, namespacedKinds, namespaces };
  }
}
