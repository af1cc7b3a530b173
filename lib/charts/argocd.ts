import { ApiObject, App } from 'cdk8s';
import { Application, AppProject } from '../../imports/argoproj.io';
import { KubeConfigMap, KubePriorityClass } from '../../imports/k8s';
import { AppChart } from '../constructs/app-chart';
import { WAVES, setSyncWave } from '../constructs/argocd-sync';
import { catalogOf } from '../site/catalog';
import type { Site } from '../site/model';
import { loadUpstreamYaml, upstreamOf } from '../upstream';
import { DATA_PRIORITY_CLASS } from '../site/priority';
import { HEALTH_CHECKS } from './argocd-health';
import { byText } from '../core/order';
import { siteSource } from '../site-files/load';
import { groupOf } from '../core/objects';
import { ARGOCD_NAMESPACE, IN_CLUSTER, rootApplication } from '../site/gitops';

/** The data of the argocd-cm in the site's pinned install.yaml (empty in 2.x, upstream's defaults since 3.0). */
function upstreamArgoCdSettings(site: Site): Record<string, string> {
  const cm = loadUpstreamYaml(upstreamOf(catalogOf(site).versions).argocd.install).find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'argocd-cm');
  return { ...(cm?.data as Record<string, string> | undefined) };
}

/**
 * The site's ArgoCD wiring: an AppProject that grants exactly the kinds and namespaces the
 * rendered apps use, one Application per app, a root app-of-apps, and the argocd-cm settings
 * (annotation tracking, health checks ArgoCD 2.7 lacks, which sync waves need).
 */
export class ArgoCdChart extends AppChart {
  constructor(app: App, site: Site, apps: readonly AppChart[]) {
    super(app, { name: 'argocd', wave: WAVES.project, namespace: ARGOCD_NAMESPACE, description: 'ArgoCD project, Applications and settings for this site' });
    const project = site.name;
    const entries = [...apps].sort((a, b) => a.wave - b.wave || byText(a.appName, b.appName));
    const { clusterKinds, namespacedKinds, namespaces } = this.inventory(apps);
    const split = (gk: string) => { const [group, kind] = gk.split('/'); return { group, kind }; };

    const appProject = new AppProject(this, 'Project', {
      metadata: { name: project, namespace: ARGOCD_NAMESPACE },
      spec: {
        description: `Platform apps of site ${site.name}, generated: edit ${siteSource(site.name)}, not this file`,
        // every Application's source is this repository: dist/ holds every object ArgoCD applies
        sourceRepos: [site.gitops.repoURL],
        destinations: [...namespaces].sort(byText).map((namespace) => ({ server: IN_CLUSTER, namespace })),
        clusterResourceWhitelist: [...clusterKinds].sort(byText).map(split),
        namespaceResourceWhitelist: [...namespacedKinds].sort(byText).map(split),
        orphanedResources: { warn: true },
      },
    });
    setSyncWave(appProject, WAVES.project);

    for (const e of entries) {
      const application = new Application(this, `App-${e.appName}`, {
        metadata: {
          name: e.appName,
          namespace: ARGOCD_NAMESPACE,
          // deleting the Application deletes its objects, except those marked Delete=false
          finalizers: ['resources-finalizer.argocd.argoproj.io'],
        },
        spec: {
          project,
          source: { repoUrl: site.gitops.repoURL, targetRevision: site.gitops.targetRevision, path: `dist/${site.name}/${e.appName}` },
          destination: { server: IN_CLUSTER, ...(e.destinationNamespace ? { namespace: e.destinationNamespace } : {}) },
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            // automated sync does not retry a failed sync by itself
            retry: { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
          },
        },
      });
      setSyncWave(application, e.wave);
    }

    new Application(this, 'Root', rootApplication(site));

    const settings = new KubeConfigMap(this, 'Settings', {
      metadata: {
        name: 'argocd-cm',
        namespace: ARGOCD_NAMESPACE,
        // ArgoCD only reads settings ConfigMaps carrying this label
        labels: { 'app.kubernetes.io/name': 'argocd-cm', 'app.kubernetes.io/part-of': 'argocd' },
      },
      data: {
        // what the pinned install.yaml's argocd-cm holds: since 3.0 its default resource.exclusions (Endpoints,
        // EndpointSlice, Lease, CertificateRequest, ...) and ignoreResourceUpdates; this ConfigMap replaces it, so keep them
        ...upstreamArgoCdSettings(site),
        // label tracking fights the MinIO operator and kube-prometheus selectors (minio/operator#2287)
        'application.resourceTrackingMethod': 'annotation',
        ...Object.fromEntries(HEALTH_CHECKS.map((h) => [`resource.customizations.health.${h.group}_${h.kind}`, h.lua])),
      },
    });
    // before every Application: their waves only wait for each other once the Application health check is there
    setSyncWave(settings, WAVES.settings);

    // site-wide, before any pod asks for it (the API server refuses a pod whose class does not exist)
    const priority = new KubePriorityClass(this, 'DataPriority', {
      metadata: { name: DATA_PRIORITY_CLASS.name },
      value: DATA_PRIORITY_CLASS.value,
      globalDefault: false,
      preemptionPolicy: 'PreemptLowerPriority',
      description: 'Data services pinned to their nodes (MinIO servers, Spilo): the scheduler preempts pods that may run elsewhere to place them',
    });
    setSyncWave(priority, WAVES.settings);
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
