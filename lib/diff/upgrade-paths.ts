import { load } from 'js-yaml';
import { majorMinor } from '../core/versions';

/**
 * Upgrade paths: what a change of a site's Kubernetes minor, Rook or Ceph release or a cluster's
 * PostgreSQL major does, checked against upstream's rules by comparing the site at the base
 * revision with the site now (its rendered report and dist/, read back: no source of the old
 * revision is run). Each step is explained; a step upstream does not support is refused with
 * the next allowed one.
 */

/** The versions of one site that upgrade rules govern, read back from its rendered trees. */
export interface SiteVersions {
  readonly kubernetes?: string;
  readonly rook?: string;
  readonly ceph?: string;
  /** PostgreSQL major per cluster (`namespace/name`). */
  readonly postgres: Readonly<Record<string, string>>;
  /** The release train (report row `train`). */
  readonly train?: string;
  /** Instances per cluster (`namespace/name`). */
  readonly instances?: Readonly<Record<string, number>>;
  /** The operator's `kubernetes_use_configmaps` (where Patroni keeps its state). */
  readonly patroniConfigMaps?: string;
}

export interface UpgradeStep {
  readonly site: string;
  readonly refused: boolean;
  readonly message: string;
}

const RULES = {
  kubernetes: {
    source: 'kubernetes/website:content/en/docs/tasks/administer-cluster/kubeadm/kubeadm-upgrade.md',
    quote: 'Skipping MINOR versions when upgrading is unsupported',
  },
  rook: {
    source: 'rook/rook@v1.20.6:Documentation/Upgrade/rook-upgrade.md ("Supported Versions")',
    quote: 'Rook and Ceph upgrades go one minor at a time',
  },
  postgres: {
    source: 'zalando/postgres-operator@v1.9.0:docs/reference/operator_parameters.md:234-241',
    quote: 'Postgres Operator supports in-place major version upgrade',
  },
  patroni: {
    source: 'zalando/postgres-operator@v2.0.1:docs/migrate.md:15-23',
    quote:
      'danger to run into split-brain scenarios during the rolling update of pods when there exists a leader endpoint and leader config map at the same time',
  },
} as const;

/**
 * A site's versions from its report (docs/sites/<site>/README.md) and its dist/ tree (`<site>/<app>/<file>` → YAML).
 */
export function siteVersions(
  report: string | undefined,
  dist: ReadonlyMap<string, string>,
  site: string,
): SiteVersions {
  const row = (key: string) => report?.match(new RegExp(`^\\| ${key.replace(/[()]/g, '\\$&')} \\| ([^ |]+)`, 'm'))?.[1];
  const postgres: Record<string, string> = {};
  const instances: Record<string, number> = {};
  for (const [path, yaml] of dist) {
    if (!path.startsWith(`${site}/postgres-clusters/postgresql-`)) continue;
    const cr = load(yaml) as {
      metadata: { name: string; namespace?: string };
      spec: { postgresql: { version: string }; numberOfInstances: number };
    };
    const id = `${cr.metadata.namespace ?? 'default'}/${cr.metadata.name}`;
    postgres[id] = String(cr.spec.postgresql.version);
    instances[id] = cr.spec.numberOfInstances;
  }
  const operatorConfig = dist.get(`${site}/postgres-operator/configmap-postgres-operator.yaml`);
  const patroniConfigMaps = operatorConfig
    ? (load(operatorConfig) as { data?: Record<string, string> }).data?.kubernetes_use_configmaps
    : undefined;
  const ceph = [...dist.keys()].some((p) => p.startsWith(`${site}/rook-ceph-cluster/`));
  return {
    kubernetes: row('Kubernetes (this site)'),
    ...(ceph ? { rook: row('rook'), ceph: row('ceph') } : {}),
    postgres,
    train: row('train'),
    instances,
    ...(patroniConfigMaps === undefined ? {} : { patroniConfigMaps }),
  };
}

/**
 * One minor at a time (Kubernetes, Rook): the steps of a change, refused with the next allowed one when it skips or
 * goes back.
 */
function minorStep(
  site: string,
  what: string,
  before: string | undefined,
  after: string | undefined,
  rule: { source: string; quote: string },
  then: string,
): UpgradeStep[] {
  const b = before && majorMinor(before);
  const a = after && majorMinor(after);
  if (!b || !a || (a[0] === b[0] && a[1] === b[1])) return [];
  const prefix = before!.startsWith('v') ? 'v' : '';
  if (a[0] !== b[0] || a[1] < b[1]) {
    return [
      {
        site,
        refused: true,
        message: `${what} ${before} → ${after}: only upgrades within major ${b[0]}, one minor at a time, are supported (${rule.source}: "${rule.quote}"); a downgrade needs a restore`,
      },
    ];
  }
  if (a[1] - b[1] > 1) {
    return [
      {
        site,
        refused: true,
        message: `${what} ${before} → ${after} skips ${a[1] - b[1] - 1} minor(s) (${rule.source}: "${rule.quote}"): go to ${prefix}${b[0]}.${b[1] + 1} first, then on in further commits`,
      },
    ];
  }
  return [{ site, refused: false, message: `${what} ${before} → ${after}: one minor, ${then}` }];
}

/**
 * Patroni's state moving from Endpoints to ConfigMaps (the operator's v2 default, the current train's setting):
 * safe only while no cluster has replicas; otherwise refused with upstream's procedure.
 */
function patroniStep(site: string, before: SiteVersions, after: SiteVersions): UpgradeStep[] {
  const from = before.patroniConfigMaps ?? 'false';
  const to = after.patroniConfigMaps ?? 'false';
  if (from === to || Object.keys(before.postgres).length === 0) return [];
  const replicated = Object.entries(after.instances ?? {}).filter(
    ([id, n]) => n > 1 && before.postgres[id] !== undefined,
  );
  const what = `postgres-operator: kubernetes_use_configmaps ${from} → ${to} (Patroni's leader, config and failover state move ${to === 'true' ? 'from Endpoints to ConfigMaps' : 'back to Endpoints'})`;
  if (replicated.length === 0)
    return [
      {
        site,
        refused: false,
        message: `${what}: every cluster runs one instance, so its primary pod is replaced once, with downtime; delete the orphaned Endpoints afterwards`,
      },
    ];
  return [
    {
      site,
      refused: true,
      message: `${what} with replicas running (${replicated.map(([id, n]) => `${id}: ${n}`).join(', ')}) risks a split brain (${RULES.patroni.source}: "${RULES.patroni.quote}"): first scale every cluster to numberOfInstances: 1 in a commit of its own and let it sync, then switch, then scale back`,
    },
  ];
}

/** The upgrade steps of one site between two revisions. */
export function upgradeSteps(site: string, before: SiteVersions, after: SiteVersions): UpgradeStep[] {
  const steps = [
    ...(before.train && after.train && before.train !== after.train
      ? [
          {
            site,
            refused: false,
            message: `release train ${before.train} → ${after.train}: every version below moves at once; each step must be one upstream supports (docs/operations.md, move a site to the next train)`,
          },
        ]
      : []),
    ...patroniStep(site, before, after),
    ...minorStep(
      site,
      'Kubernetes',
      before.kubernetes,
      after.kubernetes,
      RULES.kubernetes,
      "the supported step: upgrade the control plane first (kubeadm upgrade apply), then each node's kubelet (docs/operations.md, Kubernetes minor upgrade)",
    ),
    ...minorStep(
      site,
      'Rook',
      before.rook,
      after.rook,
      RULES.rook,
      'the supported step: the operator upgrades itself, then rolls the Ceph daemons one by one while Ceph stays healthy',
    ),
  ];
  const cb = before.ceph && majorMinor(before.ceph);
  const ca = after.ceph && majorMinor(after.ceph);
  if (cb && ca && ca[0] !== cb[0]) {
    steps.push(
      ca[0] - cb[0] === 1
        ? {
            site,
            refused: false,
            message: `Ceph ${before.ceph} → ${after.ceph}: the next Ceph release; Rook restarts mons, mgrs, then OSDs one at a time`,
          }
        : {
            site,
            refused: true,
            message: `Ceph ${before.ceph} → ${after.ceph}: ${ca[0] < cb[0] ? 'Ceph cannot be downgraded' : `skips a release (${RULES.rook.source}: "${RULES.rook.quote}"): go to Ceph v${cb[0] + 1} first`}`,
          },
    );
  }
  for (const [cluster, to] of Object.entries(after.postgres)) {
    const from = before.postgres[cluster];
    if (from === undefined || from === to) continue;
    steps.push(
      Number(to) < Number(from)
        ? {
            site,
            refused: true,
            message: `${cluster}: PostgreSQL ${from} → ${to} is a downgrade, which no upgrade does (pg_upgrade goes forward only): restore a ${to} backup into a new cluster instead (clone)`,
          }
        : {
            site,
            refused: false,
            message: `${cluster}: PostgreSQL ${from} → ${to} through the operator's in-place major upgrade (${RULES.postgres.source}: "${RULES.postgres.quote}"): the pods roll with the new major, then pg_upgrade runs on the primary and the replicas are re-created; take a backup first`,
          },
    );
  }
  return steps;
}

/** Every site present at both revisions: its steps. */
export function upgradePaths(
  reports: { before: ReadonlyMap<string, string>; after: ReadonlyMap<string, string> },
  dist: { before: ReadonlyMap<string, string>; after: ReadonlyMap<string, string> },
): UpgradeStep[] {
  const sites = [...reports.after.keys()]
    .map((p) => p.split('/')[0])
    .filter((s) => reports.before.has(`${s}/README.md`));
  return sites.flatMap((s) =>
    upgradeSteps(
      s,
      siteVersions(reports.before.get(`${s}/README.md`), dist.before, s),
      siteVersions(reports.after.get(`${s}/README.md`), dist.after, s),
    ),
  );
}

/** The steps as text lines for `npm run diff`. */
export function formatUpgradeSteps(steps: readonly UpgradeStep[]): string[] {
  if (steps.length === 0) return [];
  return ['', 'Upgrade path:', ...steps.map((s) => `  ${s.refused ? 'REFUSED' : 'ok'} ${s.site}: ${s.message}`)];
}
