import { ApiObject, App } from 'cdk8s';
import type { Construct } from 'constructs';
import { Application, type ApplicationProps } from '../../../imports/argoproj.io';
import { KubeConfigMap, KubePriorityClass } from '../../../imports/k8s';
import { AppChart, type SyncedApp } from '../../constructs/app-chart';
import { WAVES, setSyncWave } from '../../constructs/argocd-sync';
import type { GitOpsSpec } from '../../site/model';
import { loadUpstreamYaml, type UpstreamFile } from '../../upstream';
import { DATA_PRIORITY_CLASS } from '../../site/priority';
import { HEALTH_CHECKS } from './argocd-health';
import { ssoPolicy, ssoSettings } from './argocd-sso';
import { byText } from '../../core/order';
import { groupOf } from '../../core/objects';
import {
  ARGOCD_FOLDER_GRANTS,
  ARGOCD_NAMESPACE,
  IN_CLUSTER,
  appProjectManifest,
  appProjectName,
  emptiedDefaultProject,
  type ProjectGrants,
  type ProjectManifest,
} from '../../site/gitops';
import type { Site } from '../../site/model';

export interface ArgoCdProps {
  /** The site: its name prefixes the projects and names the dist/<site>/ folder the Applications read. */
  readonly site: Site;
  /** The site's file (sites/<site>.ts or .yaml), named in the project's description. */
  readonly siteFile: string;
  /** The repository and branch every Application reads. */
  readonly gitops: GitOpsSpec;
  /** The apps rendered before this one, each with the wave its component declares. */
  readonly apps: readonly SyncedApp[];
  /** The pinned install manifest, whose argocd-cm data (empty in 2.x, upstream's defaults since 3.0) is kept. */
  readonly install: UpstreamFile;
  /** The root app-of-apps, which syncs this app's folder. */
  readonly root: ApplicationProps;
  /** The root's own project (lib/site/gitops.ts bootstrapProject). */
  readonly bootstrapProject: ProjectManifest;
}

/** How every Application of a site syncs: automated, pruning, self-healing, and retried. */
export const APPLICATION_SYNC_POLICY = {
  automated: { prune: true, selfHeal: true },
  // automated sync does not retry a failed sync by itself
  retry: { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
} as const;

/** The data of a settings ConfigMap (argocd-cm, argocd-rbac-cm) in the pinned install.yaml. */
function upstreamArgoCdSettings(install: UpstreamFile, name: string): Record<string, string> {
  const cm = loadUpstreamYaml(install).find((m) => m.kind === 'ConfigMap' && m.metadata.name === name);
  return { ...(cm?.data as Record<string, string> | undefined) };
}

/** A settings ConfigMap of ArgoCD, labelled so that ArgoCD reads it, synced before every Application. */
function settingsConfigMap(scope: Construct, id: string, name: string, data: Record<string, string>): void {
  const cm = new KubeConfigMap(scope, id, {
    metadata: {
      name,
      namespace: ARGOCD_NAMESPACE,
      // ArgoCD only reads settings ConfigMaps carrying this label
      labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'argocd' },
    },
    data,
  });
  // before every Application: their waves only wait for each other once the Application health check is there
  setSyncWave(cm, WAVES.settings);
}

/**
 * The site's ArgoCD wiring: one Application per app, each in an AppProject that grants exactly the kinds
 * and namespaces its folder renders, the root app-of-apps in a bootstrap project of its own, ArgoCD's
 * default project emptied, and the argocd-cm settings
 * (annotation tracking, health checks ArgoCD 2.7 lacks, which sync waves need).
 */
export class ArgoCdChart extends AppChart {
  constructor(scope: App, id: string, props: ArgoCdProps) {
    super(scope, id, {
      namespace: ARGOCD_NAMESPACE,
      description: 'ArgoCD project, Applications and settings for this site',
    });
    const { site, gitops } = props;
    const entries = [...props.apps].sort((a, b) => a.wave - b.wave || byText(a.chart.appName, b.chart.appName));

    // one project per Application, granting what its folder renders: an app that writes into argocd or
    // kube-system gets no Secret kind unless it renders one there (lib/check/app-project.ts refuses that)
    for (const { chart, wave } of entries) {
      const project = appProjectName(site, chart.appName);
      const appProject = new ApiObject(
        this,
        `Project-${chart.appName}`,
        appProjectManifest(
          site,
          project,
          `App ${chart.appName} of site ${site.name}: ${chart.description}. Generated: edit ${props.siteFile}, not this file`,
          grantsOf([chart]),
        ),
      );
      setSyncWave(appProject, WAVES.project);
      const application = new Application(this, `App-${chart.appName}`, {
        metadata: {
          name: chart.appName,
          namespace: ARGOCD_NAMESPACE,
          // deleting the Application deletes its objects, except those marked Delete=false
          finalizers: ['resources-finalizer.argocd.argoproj.io'],
        },
        spec: {
          project,
          source: {
            repoUrl: gitops.repoURL,
            targetRevision: gitops.targetRevision,
            path: `dist/${site.name}/${chart.appName}`,
          },
          destination: {
            server: IN_CLUSTER,
            ...(chart.destinationNamespace ? { namespace: chart.destinationNamespace } : {}),
          },
          syncPolicy: APPLICATION_SYNC_POLICY,
        },
      });
      setSyncWave(application, wave);
    }

    // the root's project, and ArgoCD's default project emptied: both applied by the bootstrap before the root
    setSyncWave(new ApiObject(this, 'BootstrapProject', props.bootstrapProject), WAVES.project);
    setSyncWave(new ApiObject(this, 'DefaultProject', emptiedDefaultProject(props.siteFile)), WAVES.project);
    new Application(this, 'Root', props.root);

    settingsConfigMap(this, 'Settings', 'argocd-cm', {
      // what the pinned install.yaml's argocd-cm holds: since 3.0 its default resource.exclusions (Endpoints,
      // EndpointSlice, Lease, CertificateRequest, ...) and ignoreResourceUpdates; this ConfigMap replaces it, so keep
      // them
      ...upstreamArgoCdSettings(props.install, 'argocd-cm'),
      // label tracking fights the MinIO operator and kube-prometheus selectors (minio/operator#2287)
      'application.resourceTrackingMethod': 'annotation',
      ...Object.fromEntries(HEALTH_CHECKS.map((h) => [`resource.customizations.health.${h.group}_${h.kind}`, h.lua])),
      // single sign-on, and the local admin account off
      ...ssoSettings(gitops.sso),
    });
    if (gitops.sso)
      settingsConfigMap(this, 'Rbac', 'argocd-rbac-cm', {
        ...upstreamArgoCdSettings(props.install, 'argocd-rbac-cm'),
        ...ssoPolicy(gitops.sso),
      });

    // site-wide, before any pod asks for it (the API server refuses a pod whose class does not exist)
    const priority = new KubePriorityClass(this, 'DataPriority', {
      metadata: { name: DATA_PRIORITY_CLASS.name },
      value: DATA_PRIORITY_CLASS.value,
      globalDefault: false,
      preemptionPolicy: 'PreemptLowerPriority',
      description:
        'Data services pinned to their nodes (MinIO servers, Spilo): the scheduler preempts pods that may run elsewhere to place them',
    });
    setSyncWave(priority, WAVES.settings);

    // the root Application's project grants a fixed list: refuse to render anything outside it
    const own = grantsOf([this]);
    const outside = (Object.keys(own) as (keyof ProjectGrants)[]).flatMap((k) =>
      own[k].filter((g) => !ARGOCD_FOLDER_GRANTS[k].includes(g)),
    );
    if (outside.length)
      throw new Error(
        `the argocd folder renders ${outside.join(', ')}, which its bootstrap project does not grant: add them to ARGOCD_FOLDER_GRANTS in lib/site/gitops.ts (the root Application manages only what it lists)`,
      );
  }
}

/** Kinds (cluster-scoped and namespaced) and namespaces of every object the charts render: all a project grants. */
function grantsOf(charts: readonly AppChart[]): ProjectGrants {
  const clusterKinds = new Set<string>();
  const namespacedKinds = new Set<string>();
  const namespaces = new Set<string>();
  for (const chart of charts) {
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
  const sorted = (set: Set<string>) => [...set].sort(byText);
  return {
    clusterKinds: sorted(clusterKinds),
    namespacedKinds: sorted(namespacedKinds),
    namespaces: sorted(namespaces),
  };
}
