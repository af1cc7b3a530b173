/**
 * What a Spilo pod's environment would be, computed from rendered objects the way the Zalando
 * operator v1.9.0 builds it (pkg/cluster/k8sres.go: generateSpiloPodEnvVars, generateCloneEnvironment;
 * summarized in ../shared/FACTS.md A2) and the WAL prefix Spilo 3.0 derives from it
 * (configure_spilo.py). First definition of a name wins, compared case-insensitively.
 */
export interface EnvSource {
  /** The postgresql CR as rendered. */
  readonly cluster: { metadata: { name: string }; spec: { postgresql: { version: string }; env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[]; clone?: Record<string, string> } };
  /** The uid the API server gave it. */
  readonly uid: string;
  /** The operator ConfigMap's data. */
  readonly operatorConfig: Readonly<Record<string, string>>;
  /** The ConfigMap named by pod_environment_configmap. */
  readonly podEnvironment: Readonly<Record<string, string>>;
  /** Keys of the Secret named by pod_environment_secret, as the admin created it. */
  readonly secretKeys: readonly string[];
}

/** env name → value, or `secret:<name>/<key>` for a secretKeyRef. */
export type SpiloEnv = Map<string, string>;

export function spiloEnvironment(src: EnvSource): SpiloEnv {
  const env: SpiloEnv = new Map();
  const add = (name: string, value: string) => {
    if (![...env.keys()].some((k) => k.toLowerCase() === name.toLowerCase())) env.set(name, value);
  };
  const { spec, metadata } = src.cluster;
  // 1. the operator's own variables (the ones a WAL path depends on)
  add('SCOPE', metadata.name);
  add('PGVERSION', spec.postgresql.version);
  // 2. the CR's env
  for (const e of spec.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    if (e.value !== undefined) add(e.name, e.value);
    else if (ref) add(e.name, `secret:${ref.name}/${ref.key}`);
  }
  // 3. the clone section
  const clone = spec.clone;
  if (clone) {
    add('CLONE_SCOPE', clone.cluster);
    if (clone.timestamp) {
      add('CLONE_METHOD', 'CLONE_WITH_WALE');
      add('CLONE_TARGET_TIME', clone.timestamp);
      add('CLONE_WAL_BUCKET_SCOPE_PREFIX', '');
      if (clone.s3_wal_path) add('CLONE_WALE_S3_PREFIX', clone.s3_wal_path);
      else {
        add('CLONE_WAL_S3_BUCKET', src.operatorConfig.wal_s3_bucket ?? '');
        add('CLONE_WAL_BUCKET_SCOPE_SUFFIX', `/${clone.uid}`);
      }
    } else {
      add('CLONE_METHOD', 'CLONE_WITH_BASEBACKUP');
      add('CLONE_HOST', clone.cluster);
    }
  }
  // 5. pod_environment_secret: every key by reference
  const secret = src.operatorConfig.pod_environment_secret;
  if (secret) for (const key of src.secretKeys) add(key, `secret:${secret}/${key}`);
  // 6. pod_environment_configmap: every key, sorted
  for (const key of Object.keys(src.podEnvironment).sort()) add(key, src.podEnvironment[key]);
  // 7. the operator configuration's WAL settings
  if (src.operatorConfig.wal_s3_bucket) {
    add('WAL_S3_BUCKET', src.operatorConfig.wal_s3_bucket);
    add('WAL_BUCKET_SCOPE_SUFFIX', `/${src.uid}`);
    add('WAL_BUCKET_SCOPE_PREFIX', '');
  }
  return env;
}

/** Spilo's WAL-G prefix for archiving (prefix '') or for restoring a clone (prefix 'CLONE_'). */
export function walPrefix(env: SpiloEnv, prefix: '' | 'CLONE_'): string {
  const get = (name: string) => env.get(`${prefix}${name}`) ?? '';
  const explicit = get('WALE_S3_PREFIX');
  if (explicit) return explicit;
  const scope = prefix ? get('SCOPE') : env.get('SCOPE') ?? '';
  return `s3://${get('WAL_S3_BUCKET')}/spilo/${get('WAL_BUCKET_SCOPE_PREFIX')}${scope}${get('WAL_BUCKET_SCOPE_SUFFIX')}/wal/${env.get('PGVERSION')}`;
}
