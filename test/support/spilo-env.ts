/**
 * What a Spilo pod's environment would be, computed from rendered objects the way the Zalando
 * operator builds the container's env list (pkg/cluster/k8sres.go generateSpiloPodEnvVars and
 * generateCloneEnvironment, the same order at v1.9.0 and v2.0.1; summarized in ../shared/FACTS.md A2)
 * and the WAL prefix Spilo derives from it (configure_spilo.py). The operator adds most sections
 * with appendEnvVars, which skips a name already in the list (compared case-insensitively), but
 * appends the clone section as it is; the kubelet then takes the last definition of a name
 * (kubernetes@v1.36.5:pkg/kubelet/kubelet_pods.go:965, and the API server warns that it "hides
 * previous definition", pkg/api/pod/warnings.go:291).
 */
export interface EnvSource {
  /** The postgresql CR as rendered. */
  readonly cluster: {
    metadata: { name: string };
    spec: {
      postgresql: { version: string };
      env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
      clone?: Record<string, string>;
    };
  };
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
  const list: [string, string][] = [];
  // appendEnvVars: a name already in the list is skipped
  const add = (name: string, value: string) => {
    if (!list.some(([k]) => k.toLowerCase() === name.toLowerCase())) list.push([name, value]);
  };
  // the clone section: appended as it is
  const append = (name: string, value: string) => {
    list.push([name, value]);
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
    append('CLONE_SCOPE', clone.cluster);
    if (clone.timestamp) {
      append('CLONE_METHOD', 'CLONE_WITH_WALE');
      append('CLONE_TARGET_TIME', clone.timestamp);
      append('CLONE_WAL_BUCKET_SCOPE_PREFIX', '');
      if (clone.s3_wal_path) append('CLONE_WALE_S3_PREFIX', clone.s3_wal_path);
      else {
        append('CLONE_WAL_S3_BUCKET', src.operatorConfig.wal_s3_bucket ?? '');
        append('CLONE_WAL_BUCKET_SCOPE_SUFFIX', `/${clone.uid}`);
      }
    } else {
      append('CLONE_METHOD', 'CLONE_WITH_BASEBACKUP');
      append('CLONE_HOST', clone.cluster);
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
  // the kubelet: the last definition of a name wins
  return new Map(list);
}

/** Spilo's WAL-G prefix for archiving (prefix '') or for restoring a clone (prefix 'CLONE_'). */
export function walPrefix(env: SpiloEnv, prefix: '' | 'CLONE_'): string {
  const get = (name: string) => env.get(`${prefix}${name}`) ?? '';
  const explicit = get('WALE_S3_PREFIX');
  if (explicit) return explicit;
  const scope = prefix ? get('SCOPE') : (env.get('SCOPE') ?? '');
  return `s3://${get('WAL_S3_BUCKET')}/spilo/${get('WAL_BUCKET_SCOPE_PREFIX')}${scope}${get('WAL_BUCKET_SCOPE_SUFFIX')}/wal/${env.get('PGVERSION')}`;
}
