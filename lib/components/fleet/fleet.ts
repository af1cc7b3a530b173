import { ApiObject, App } from 'cdk8s';
import { Application } from '../../../imports/argoproj.io';
import { KubeSecret } from '../../../imports/k8s';
import { AppChart } from '../../constructs/app-chart';
import { setSyncWave, WAVES } from '../../constructs/argocd-sync';
import { ARGOCD_SECRET_TYPE, FLEET_SITE, FLEET_STAGE, FLEET_WAVE, SYNC_WAVE } from '../../core/annotations';
import { asArray, asRecord } from '../../core/records';
import type { KubeObject } from '../../core/objects';
import { byText } from '../../core/order';
import type { Stage } from '../../site/schema/fleet';
import { ARGOCD_NAMESPACE, argocdFolder } from '../../site/gitops';
import type { GitOpsSpec } from '../../site/model';
import { APPLICATION_SYNC_POLICY } from '../argocd/argocd';

/** One site a hub manages, as its own rendering describes it. */
export interface FleetMember {
  /** The site's name: its dist/<site>/ folder, its cluster's name in ArgoCD. */
  readonly name: string;
  readonly stage: Stage;
  /** Its API server, as the hub reaches it. */
  readonly server: string;
  /** The repository and branch the site's own Applications read. */
  readonly gitops: GitOpsSpec;
  /** The site's own AppProjects (dist/<site>/argocd), as rendered: one per Application, granting what it needs. */
  readonly projects: readonly KubeObject[];
  /** The project of the site's argocd folder (its root's), under which the hub syncs the site's PriorityClass. */
  readonly settingsProject: string;
  /** Its own Applications but the root, each with its file under dist/<site>/ and its sync wave. */
  readonly applications: readonly { readonly file: string; readonly wave: number }[];
}

export interface FleetProps {
  /** The hub's name, which names the ApplicationSet. */
  readonly hub: string;
  /** The hub's repository and branch: where the ApplicationSet reads the sites' Applications. */
  readonly gitops: GitOpsSpec;
  /** The sites the hub manages, in rollout order. */
  readonly sites: readonly FleetMember[];
}

/** A sync wave as a label value (a label value cannot start with '-'): -1 is `m1`. */
export const waveLabel = (wave: number): string => (wave < 0 ? `m${-wave}` : String(wave));

/**
 * The hub's view of its fleet (dist/<hub>/fleet): each managed site's cluster as an ArgoCD cluster Secret without
 * credentials (added at deploy time, docs/fleet.md), the site's AppProject pointed at that cluster, and one
 * ApplicationSet whose git files generator reads each site's own Applications from its dist/<site>/argocd and
 * generates them on the hub, aimed at the site's cluster, in rollout order: RollingSync, a step per stage and sync
 * wave.
 */
export class FleetChart extends AppChart {
  public readonly applicationSet: ApiObject;

  constructor(scope: App, id: string, props: FleetProps) {
    super(scope, id, {
      namespace: ARGOCD_NAMESPACE,
      description: "The fleet this site's ArgoCD manages: the sites' clusters, projects and one ApplicationSet",
    });
    for (const site of props.sites) {
      const secret = new KubeSecret(this, `Cluster-${site.name}`, {
        metadata: {
          name: `cluster-${site.name}`,
          namespace: ARGOCD_NAMESPACE,
          labels: { [ARGOCD_SECRET_TYPE]: 'cluster', [FLEET_SITE]: site.name, [FLEET_STAGE]: site.stage },
        },
        type: 'Opaque',
        // no `config`: the credentials are added at deploy time and never rendered (docs/fleet.md)
        stringData: { name: site.name, server: site.server },
      });
      setSyncWave(secret, WAVES.crds);
      for (const project of site.projects) setSyncWave(this.project(site, project), WAVES.crds);
      // cluster-wide settings of the site's argocd folder that its workloads need (its own root syncs them otherwise)
      const settings = new Application(this, `Settings-${site.name}`, {
        metadata: { name: `${site.name}-cluster-settings`, namespace: ARGOCD_NAMESPACE },
        spec: {
          project: site.settingsProject,
          source: {
            repoUrl: site.gitops.repoURL,
            targetRevision: site.gitops.targetRevision,
            path: argocdFolder(site),
            directory: { include: 'priorityclass-*.yaml' },
          },
          destination: { name: site.name },
          syncPolicy: APPLICATION_SYNC_POLICY,
        },
      });
      setSyncWave(settings, WAVES.operators);
    }
    this.applicationSet = new ApiObject(this, 'ApplicationSet', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: `${props.hub}-fleet`, namespace: ARGOCD_NAMESPACE },
      spec: applicationSetSpec(props),
    });
    setSyncWave(this.applicationSet, WAVES.storage);
  }

  /** One of the site's own AppProjects, its destinations on the site's cluster, and the PriorityClass its settings app syncs. */
  private project(site: FleetMember, project: KubeObject): ApiObject {
    const spec = asRecord(project.spec);
    const kinds = asArray(spec.clusterResourceWhitelist).map((k) => asRecord(k) as { group: string; kind: string });
    const priority = { group: 'scheduling.k8s.io', kind: 'PriorityClass' };
    const settings = project.metadata.name === site.settingsProject;
    return new ApiObject(this, `Project-${project.metadata.name}`, {
      apiVersion: project.apiVersion,
      kind: project.kind,
      metadata: { name: project.metadata.name, namespace: ARGOCD_NAMESPACE },
      spec: {
        ...spec,
        description: `Platform apps of site ${site.name} on its cluster, managed by this hub: ${String(spec.description)}`,
        destinations: asArray(spec.destinations).map((d) => ({ name: site.name, namespace: asRecord(d).namespace })),
        clusterResourceWhitelist: [
          ...kinds.filter((k) => k.group !== priority.group || k.kind !== priority.kind),
          ...(settings ? [priority] : []),
        ].sort((a, b) => byText(`${a.group}/${a.kind}`, `${b.group}/${b.kind}`)),
      },
    });
  }
}

/** Go template of a value of the site's own Application file (the git files generator's parameters). */
const SITE = '{{index .path.segments 1}}';
const WAVE_OF_FILE = `index .metadata.annotations "${SYNC_WAVE}"`;

function applicationSetSpec(props: FleetProps): Record<string, unknown> {
  const stages = [...new Set(props.sites.map((s) => s.stage))];
  return {
    goTemplate: true,
    // one generator per stage: the stage's sites' Application files, each with the stage as a parameter
    generators: stages.map((stage) => ({
      matrix: {
        generators: [
          {
            git: {
              repoURL: props.gitops.repoURL,
              revision: props.gitops.targetRevision,
              files: props.sites
                .filter((s) => s.stage === stage)
                .flatMap((s) => s.applications.map((a) => ({ path: `dist/${s.name}/${a.file}` }))),
            },
          },
          { list: { elements: [{ stage }] } },
        ],
      },
    })),
    strategy: {
      type: 'RollingSync',
      rollingSync: {
        // a stage's sites, wave by wave; the next step waits until the Applications of this one are healthy
        steps: stages.flatMap((stage) =>
          [...new Set(props.sites.filter((s) => s.stage === stage).flatMap((s) => s.applications.map((a) => a.wave)))]
            .sort((a, b) => a - b)
            .map((wave) => ({
              matchExpressions: [
                { key: FLEET_STAGE, operator: 'In', values: [stage] },
                { key: FLEET_WAVE, operator: 'In', values: [waveLabel(wave)] },
              ],
            })),
        ),
      },
    },
    // deleting the ApplicationSet (or the hub's fleet app) leaves the sites' objects, as Delete=false does for data
    syncPolicy: { preserveResourcesOnDeletion: true },
    template: {
      metadata: {
        name: `${SITE}-{{.metadata.name}}`,
        namespace: ARGOCD_NAMESPACE,
        labels: {
          [FLEET_SITE]: SITE,
          [FLEET_STAGE]: '{{.stage}}',
          [FLEET_WAVE]: `{{replace "-" "m" (${WAVE_OF_FILE})}}`,
        },
        annotations: { [SYNC_WAVE]: `{{${WAVE_OF_FILE}}}` },
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
      },
      spec: {
        project: '{{.spec.project}}',
        source: {
          repoURL: '{{.spec.source.repoURL}}',
          targetRevision: '{{.spec.source.targetRevision}}',
          path: '{{.spec.source.path}}',
        },
        // the cluster Secret's name: the site's
        destination: { name: SITE, namespace: '{{dig "destination" "namespace" "" .spec}}' },
        // as the site's own (RollingSync turns automated sync off and syncs step by step)
        syncPolicy: APPLICATION_SYNC_POLICY,
      },
    },
  };
}
