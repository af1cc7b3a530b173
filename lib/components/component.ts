import type { App } from 'cdk8s';
import type { AppChart, SyncedApp } from '../constructs/app-chart';
import type { ImpactRule } from '../core/impact';
import type { WorkloadModels } from '../core/workloads';
import type { Site } from '../site/model';
import type { SiteIssue } from '../site/issues';
import type { Exposable } from '../site/schema/load-balancers';

/** One image a component's cluster pulls that no rendered object names (the bootstrap's), and who pulls it. */
export interface ComponentImage {
  readonly image: string;
  /** For `npm run images`: `kubeadm`, `flannel`, `argocd install`… */
  readonly usedBy: string;
}

/** The LoadBalancer Service in front of a UI: its name and namespace, the UI pods' selector, the ports. */
export interface ExposedService {
  readonly name: string;
  readonly namespace: string;
  readonly selector: Readonly<Record<string, string>>;
  readonly port: number;
  readonly targetPort: number;
}

/**
 * A UI of a component that a site may put on a load balancer (`loadBalancers.expose.<key>`): MetalLB renders the
 * Service of each exposed one from this alone, and validation refuses exposing a UI the site does not run.
 */
interface LoadBalancerExposure {
  readonly key: Exposable;
  /** The Service on this site, or why the site cannot expose the UI (its message for loadBalancers.expose.<key>). */
  readonly service: (site: Site) => ExposedService | { readonly missing: string };
}

/** What rendering a site reads besides the site, handed to each component's charts as data by the pipeline. */
export interface RenderContext {
  /**
   * The apps of the components before it in the registry, with their waves: ArgoCD's, last, lists them.
   */
  readonly earlier: readonly SyncedApp[];
  /**
   * Every site of the repository, validated (the pipeline reads sites/: lib/site-files/peers.ts), the rendered one
   * included: a hub's managed sites, a standby's primary. Components never read site files themselves.
   */
  readonly peers: readonly Site[];
  /** Renders another site with the same registry and peers (a hub's managed sites, as their own rendering). */
  readonly render: (site: Site) => App;
  /** The UIs the registry's components let a site expose on a load balancer (their `exposes`). */
  readonly exposures: readonly LoadBalancerExposure[];
}

/**
 * One platform component: everything the generator knows of it, in one file under lib/components/.
 * `buildSite` renders the charts of the enabled ones in registry order (lib/components/index.ts),
 * `npm run images` adds their images to those the rendered objects name.
 *
 * Each chart is one ArgoCD Application and one dist/<site>/<app>/ folder; the component declares the
 * sync wave of each (`waves`, from WAVES in lib/constructs/argocd-sync.ts): a component's operator
 * and the resources it reconciles sync in different waves.
 */
export interface Component {
  /** The component's name: its file under lib/components/ (kebab-case). */
  readonly name: string;
  /** What it is, one line of docs/components.md (generated from the registry). */
  readonly summary: string;
  /** When `enabled` holds, in the site's words (a field path or `always`), for docs/components.md. */
  readonly enabledWhen: string;
  /**
   * Its ArgoCD Applications by name (the ids of the charts it renders, their dist/<site>/<app>/
   * folders), each with its sync wave. ArgoCD's chart reads them here; a chart not listed fails synth.
   */
  readonly waves: Readonly<Record<string, number>>;
  /** Whether the site runs it; a disabled component renders nothing and pulls nothing. */
  readonly enabled: (site: Site) => boolean;
  /**
   * Its charts, added to `app` (one Application each), their props taken from the resolved site
   * (resolveSite) and the context (the apps before it, the other sites).
   */
  readonly charts: (app: App, site: Site, context: RenderContext) => readonly AppChart[];
  /** Images its cluster pulls beyond those its rendered objects name. @default - none */
  readonly images?: (site: Site) => readonly ComponentImage[];
  /**
   * How its operators turn the custom resources it renders into pods, by `group/Kind`, for the
   * placement and capacity checks and verify's probes (pod templates need none). @default - none
   */
  readonly workloads?: WorkloadModels;
  /**
   * What a change of the kinds it renders does once synced, for `npm run diff` (lib/diff/impacts.ts runs them
   * between its own rules for every kind). @default - none
   */
  readonly impacts?: readonly ImpactRule[];
  /** Its UIs a site may expose on a load balancer (MetalLB's Services read them). @default - none */
  readonly exposes?: readonly LoadBalancerExposure[];
  /**
   * Its rules over the site model, each issue with its field path; run on every well-formed site,
   * enabled or not, so that a setting needing the component is refused without it. @default - none
   */
  readonly validate?: (site: Site) => SiteIssue[];
}
