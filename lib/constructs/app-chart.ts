import { App, Chart } from 'cdk8s';

/** What the ArgoCD chart needs to know of an app to render its Application. */
export interface AppChartProps {
  /** The Application name and the dist/<site>/<name>/ folder: [a-z0-9-] only. */
  readonly name: string;
  /** Sync wave of the Application in the root app-of-apps (see WAVES). */
  readonly wave: number;
  /** Default destination namespace of the Application. @default - none: every object names its own */
  readonly namespace?: string;
  /** One line for the README/summary: what this app delivers. */
  readonly description: string;
}

/**
 * One ArgoCD Application = one Chart = one dist/<site>/<name>/ folder.
 * No chart namespace: cdk8s would stamp it on cluster-scoped kinds too; objects set their own.
 */
export class AppChart extends Chart {
  public readonly appName: string;
  public readonly wave: number;
  public readonly destinationNamespace?: string;
  public readonly description: string;

  constructor(scope: App, props: AppChartProps) {
    if (!/^[a-z0-9-]+$/.test(props.name)) throw new Error(`app name '${props.name}' must match [a-z0-9-]+ (it names a folder and an Application)`);
    super(scope, props.name, {
      labels: { 'app.kubernetes.io/part-of': props.name }, // not app.kubernetes.io/instance: ArgoCD's tracking label
      disableResourceNameHashes: true,
    });
    this.appName = props.name;
    this.wave = props.wave;
    this.destinationNamespace = props.namespace;
    this.description = props.description;
  }
}
