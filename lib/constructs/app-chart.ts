import { App, Chart } from 'cdk8s';

/** What the ArgoCD chart needs to know of an app, beyond its name (the chart's id) and wave (its component's). */
export interface AppChartProps {
  /** Default destination namespace of the Application. @default - none: every object names its own */
  readonly namespace?: string;
  /** One line for the README/summary: what this app delivers. */
  readonly description: string;
}

/**
 * One ArgoCD Application = one Chart = one dist/<site>/<id>/ folder. Its sync wave is declared by
 * its component (`waves` in lib/components/<name>/index.ts), which ArgoCD's chart reads from the registry.
 * No chart namespace: cdk8s would stamp it on cluster-scoped kinds too; objects set their own.
 */
export class AppChart extends Chart {
  public readonly appName: string;
  public readonly destinationNamespace?: string;
  public readonly description: string;

  /** @param id the Application name and the dist/<site>/<id>/ folder: [a-z0-9-] only */
  constructor(scope: App, id: string, props: AppChartProps) {
    if (!/^[a-z0-9-]+$/.test(id))
      throw new Error(`app name '${id}' must match [a-z0-9-]+ (it names a folder and an Application)`);
    super(scope, id, {
      labels: { 'app.kubernetes.io/part-of': id }, // not app.kubernetes.io/instance: ArgoCD's tracking label
      disableResourceNameHashes: true,
    });
    this.appName = id;
    this.destinationNamespace = props.namespace;
    this.description = props.description;
  }
}

/** An app rendered for a site, with the sync wave its component declares for it. */
export interface SyncedApp {
  readonly chart: AppChart;
  readonly wave: number;
}
