/**
 * A release train: a named, coherent set of upstream versions, the images built from them and
 * what upstream declares about them (supported Kubernetes minors, Ceph releases per Rook,
 * PostgreSQL majors per operator), each with its source cited as `owner/repo@tag:path:line`.
 * A site names its train (`release`) and may override single versions on top of it (catalog.ts).
 */

/** Every version a train pins. A version is written nowhere else. */
export interface TrainVersions {
  /** Kubernetes minors served by the pinned schemas; sites choose their patch release. */
  readonly kubernetesSchemas: readonly string[];
  readonly postgresOperator: string;
  readonly spilo: string;
  readonly spiloMajor: string;
  readonly rook: string;
  readonly ceph: string;
  readonly certManager: string;
  readonly minioOperator: string;
  readonly kubePrometheus: string;
  readonly metallb: string;
  readonly kubeVip: string;
  readonly postgresExporter: string;
  readonly argocd: string;
  readonly flannel: string;
  /** helm that renders the train's pinned charts at import time (`npm run tools`); synth never runs it. */
  readonly helm: string;
  readonly cloudInitSchema: string;
  /** Debian major release of the nodes ('12'); its codename and cloud-init schema are in lib/site/debian.ts. */
  readonly debian: string;
  readonly containerdPackage: string;
  readonly kubernetesPackages: Readonly<Record<string, string>>;
  readonly pause: Readonly<Record<string, string>>;
  readonly etcd: Readonly<Record<string, string>>;
  readonly coredns: Readonly<Record<string, string>>;
  readonly minio: string;
  readonly kes: string;
  readonly kubernetesKeyRepository: string;
  /** `npm run verify`'s kube-apiserver, controller-manager and scheduler release per Kubernetes minor. */
  readonly verifyKubernetes: Readonly<Record<string, string>>;
  /** kwok, standing in for the kubelets in `npm run verify`. */
  readonly kwok: string;
}

/** A single-string version: what a site may override (`versions: { spilo: '3.0-p2' }`). */
export type VersionKey = {
  [K in keyof TrainVersions]: TrainVersions[K] extends string ? K : never;
}[keyof TrainVersions];

/**
 * Versions that name pinned upstream files (lib/upstream.ts reads `imports/upstream/` at them), and
 * helm, which renders the charts at import time. `npm run import` imports every train's files, so a
 * site may override one of them with a value some train pins (its files are imported), never with
 * another (lib/site/compatibility.ts). A test keeps this list equal to what lib/upstream.ts uses.
 */
export const FILE_VERSIONS: readonly VersionKey[] = [
  'postgresOperator',
  'rook',
  'certManager',
  'minioOperator',
  'kubePrometheus',
  'metallb',
  'argocd',
  'flannel',
  'cloudInitSchema',
  'helm',
];

/** Container images built from a train's versions (with a site's overrides applied). */
export interface TrainImages {
  readonly postgresOperator: string;
  readonly postgresOperatorUi: string;
  readonly spilo: string;
  readonly pgbouncer: string;
  readonly rook: string;
  readonly ceph: string;
  readonly minio: string;
  readonly kes: string;
  readonly postgresExporter: string;
  readonly prometheus: string;
  readonly grafana: string;
  readonly kubeVip: string;
  /**
   * cert-manager's HTTP-01 solver, which the controller runs (its --acme-http01-solver-image default, tagged like the
   * chart's images).
   */
  readonly certManagerAcmeSolver: string;
}

/** Where upstream says it: `owner/repo@tag:path:line` and the words quoted. */
export interface Evidence {
  readonly source: string;
  readonly quote: string;
}

/** A component's supported Kubernetes minors, inclusive (`max` absent: no upper bound stated). */
export interface KubernetesRange extends Evidence {
  /** The version key of the component, e.g. `certManager`. */
  readonly component: VersionKey;
  readonly min: string;
  readonly max?: string;
  /**
   * The runbook itself ran the component outside this range: a site may accept that explicitly
   * (`acceptUnsupported`), with a warning instead of a refusal.
   */
  readonly runbookOutside?: boolean;
}

/** A set of majors one component allows of another (PostgreSQL per operator, Ceph per Rook). */
interface AllowedMajors extends Evidence {
  readonly majors: readonly string[];
}

/**
 * A component upstream no longer maintains: refused on the train unless a site accepts it (acceptUnsupported), with a
 * warning.
 */
export interface Unmaintained extends Evidence {
  readonly component: VersionKey;
  /** What the site uses instead, for the message: `s3: { provider: 'ceph-object-store' }`. */
  readonly instead: string;
}

interface TrainCompatibility {
  readonly kubernetes: readonly KubernetesRange[];
  /** Components the train pins for sites moving off them, no longer maintained upstream. */
  readonly unmaintained: readonly Unmaintained[];
  /** PostgreSQL majors the operator's postgresql CRD accepts. */
  readonly postgresMajors: AllowedMajors;
  /** Ceph majors (v16 = Pacific) the train's Rook supports. */
  readonly cephMajors: AllowedMajors;
}

export interface Train {
  readonly name: string;
  /** The S3 store of WAL-G backups when a site names none (`s3.provider`, lib/site/object-store.ts). */
  readonly s3Provider: 'minio' | 'ceph-object-store';
  readonly versions: TrainVersions;
  readonly images: (versions: TrainVersions) => TrainImages;
  readonly compatibility: TrainCompatibility;
}
