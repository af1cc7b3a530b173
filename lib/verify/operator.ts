import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asArray, asRecord } from '../core/records';
import { type KubeObject, type RenderedObject } from '../core/objects';
import { poolerName } from '../site/postgres-names';
import { binaryPath, type Component } from './components';
import { poolerRoles, withHosts, type Database } from './database';
import { until, type Kube } from './kube';
import { freePort, type Started } from './processes';
import type { Session } from './session';

/**
 * The real Zalando postgres-operator, run outside the cluster against the throwaway API server,
 * with the environment of our rendered Deployment and the data of our rendered ConfigMap. One
 * change: `api_port` (its REST API, 8080 in a pod) gets a free loopback port, in a copy of the
 * ConfigMap, so runs side by side do not collide.
 */
export interface OperatorSetup {
  readonly deployment: KubeObject;
  readonly configMap: KubeObject;
}

/** The operator Deployment (its container reads CONFIG_MAP_NAME) and the ConfigMap it names. */
export function operatorSetup(objects: readonly RenderedObject[]): OperatorSetup | undefined {
  for (const { obj } of objects) {
    if (obj.kind !== 'Deployment') continue;
    const containers = asArray(asRecord(asRecord(asRecord(obj.spec).template).spec).containers).map(asRecord);
    const env = containers.flatMap((c) => asArray(c.env).map(asRecord));
    const name = env.find((e) => e.name === 'CONFIG_MAP_NAME')?.value;
    if (typeof name !== 'string') continue;
    const [namespace, configName] = name.includes('/') ? name.split('/') : [obj.metadata.namespace, name];
    const configMap = objects.find(
      (o) => o.obj.kind === 'ConfigMap' && o.obj.metadata.name === configName && o.obj.metadata.namespace === namespace,
    )?.obj;
    if (configMap) return { deployment: obj, configMap };
  }
  return undefined;
}

export const configData = (configMap: KubeObject): Record<string, string> =>
  asRecord(configMap.data) as Record<string, string>;

/** Plain env values of the operator container (valueFrom metadata.namespace becomes the namespace). */
function operatorEnv(deployment: KubeObject): Record<string, string> {
  const containers = asArray(asRecord(asRecord(asRecord(deployment.spec).template).spec).containers).map(asRecord);
  const env: Record<string, string> = {};
  for (const e of containers.flatMap((c) => asArray(c.env).map(asRecord))) {
    const field = asRecord(asRecord(e.valueFrom).fieldRef).fieldPath;
    if (typeof e.value === 'string') env[String(e.name)] = e.value;
    else if (field === 'metadata.namespace') env[String(e.name)] = deployment.metadata.namespace ?? 'default';
  }
  return env;
}

/**
 * The operator as its Deployment keeps it: restarted when it exits (a pod's restartPolicy Always,
 * the kubelet's CrashLoopBackOff), each run logging to a file of its own. `crashes` holds the last
 * error line of every run that exited.
 */
export interface Operator {
  readonly crashes: string[];
  current: Started;
  stopped: boolean;
}

/**
 * Where and how the operator runs: the run's folder and kubeconfig, the site's operator build, the PostgreSQL stand-in
 * if any.
 */
export interface OperatorRun {
  readonly dir: string;
  readonly kubeconfig: string;
  readonly component: Component;
  readonly database?: Database;
  /** The run's session: the operator's processes live and die with it. */
  readonly session: Session;
  /**
   * The live data plane: the operator runs in the nodes' network namespace, with database access (it creates the
   * declared users, databases and the pooler's role in the running PostgreSQL), the Services' names in its hosts
   * file and the API server at the kubernetes Service's address.
   */
  readonly live?: { readonly nodePid: number; readonly kubeconfig: string; readonly hostsFile: string };
}

/**
 * No client certificate for the operator's lib/pq: unset, it looks for ~/.postgresql/postgresql.crt of the user
 * it runs as, which under `unshare --map-root-user` (not root) is root's, /root: EACCES, not absent, and it never
 * connects. Files that do not exist are what it skips.
 */
const noClientCertificate = (dir: string) => ({
  PGSSLCERT: join(dir, 'no-client-certificate.crt'),
  PGSSLKEY: join(dir, 'no-client-certificate.key'),
});

export async function startOperator(
  kube: Kube,
  setup: OperatorSetup,
  { dir, kubeconfig, component, database, session, live }: OperatorRun,
): Promise<Operator> {
  const namespace = setup.configMap.metadata.namespace ?? 'default';
  const name = `${setup.configMap.metadata.name}-verify`;
  const copy = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace },
    data: { ...configData(setup.configMap), api_port: String(await freePort()) },
  };
  // a restart (day-2: a new ConfigMap) replaces the copy of the previous run
  await kube.send('DELETE', `/api/v1/namespaces/${namespace}/configmaps/${name}`);
  const r = await kube.send('POST', `/api/v1/namespaces/${namespace}/configmaps`, copy);
  if (r.status >= 300) throw new Error(`could not create the operator's ConfigMap copy: ${String(r.body.message)}`);
  const env = {
    ...operatorEnv(setup.deployment),
    OPERATOR_NAMESPACE: namespace,
    CONFIG_MAP_NAME: `${namespace}/${name}`,
    ...(database ? { PGPORT: String(database.port), ...noClientCertificate(dir) } : {}),
  };
  const binary = binaryPath(component, 'postgres-operator');
  const args = live
    ? ['--kubeconfig', live.kubeconfig, '--outofcluster', '--noteamsapi']
    : ['--kubeconfig', kubeconfig, '--outofcluster', '--nodatabaseaccess', '--noteamsapi'];
  const [command, argv] = live
    ? withHosts(live.hostsFile, 'nsenter', [`--net=/proc/${live.nodePid}/ns/net`, '--', binary, ...args])
    : database
      ? withHosts(database.hosts, binary, args)
      : [binary, args];
  const run = (n: number) =>
    session.start('postgres-operator', command, argv, join(dir, `postgres-operator-${n}.log`), env);
  const operator: Operator = { crashes: [], current: run(0), stopped: false };
  const supervise = (p: Started) =>
    p.child.once('exit', () => {
      if (operator.stopped) return;
      operator.crashes.push(operatorErrors(p.log).pop() ?? `exited (${String(p.exited)})`);
      setTimeout(() => {
        if (operator.stopped) return;
        operator.current = run(operator.crashes.length);
        supervise(operator.current);
      }, 1000);
    });
  supervise(operator.current);
  return operator;
}

/**
 * Secrets the site creates at deploy time (never in git) that the operator waits for: the
 * `pod_environment_secret` (the backups' S3 keys) in every cluster's namespace, made here empty.
 * Without it the operator waits `resource_check_timeout` before it makes a StatefulSet.
 */
export function deployTimeSecrets(config: Record<string, string>, clusters: readonly KubeObject[]): KubeObject[] {
  const name = config.pod_environment_secret;
  if (!name) return [];
  const namespaces = [...new Set(clusters.map((c) => c.metadata.namespace ?? 'default'))].sort();
  return namespaces.map((namespace) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace,
      annotations: { 'verify.pg-gitops/placeholder': 'created at deploy time; empty here' },
    },
    type: 'Opaque',
  }));
}

/** What the operator must create for one `postgresql` cluster, and whether it did. */
export interface ClusterObjects {
  readonly cluster: string;
  readonly missing: readonly string[];
}

function expectedObjects(cluster: KubeObject, config: Record<string, string>): { what: string; path: string }[] {
  const ns = cluster.metadata.namespace ?? 'default';
  const name = cluster.metadata.name;
  const pdb = (config.pdb_name_format ?? 'postgres-{cluster}-pdb').replace('{cluster}', name);
  const label = encodeURIComponent(`${spiloLabels(config).name}=${name}`);
  return [
    { what: `StatefulSet ${ns}/${name}`, path: `/apis/apps/v1/namespaces/${ns}/statefulsets/${name}` },
    { what: `Service ${ns}/${name}`, path: `/api/v1/namespaces/${ns}/services/${name}` },
    { what: `Service ${ns}/${name}-repl`, path: `/api/v1/namespaces/${ns}/services/${name}-repl` },
    { what: `PodDisruptionBudget ${ns}/${pdb}`, path: `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/${pdb}` },
    {
      what: `credential Secrets (label ${decodeURIComponent(label)})`,
      path: `/api/v1/namespaces/${ns}/secrets?labelSelector=${label}`,
    },
    ...poolerRoles(cluster).flatMap((role) => {
      const pooler = poolerName(name, role);
      return [
        { what: `pooler Deployment ${ns}/${pooler}`, path: `/apis/apps/v1/namespaces/${ns}/deployments/${pooler}` },
        { what: `pooler Service ${ns}/${pooler}`, path: `/api/v1/namespaces/${ns}/services/${pooler}` },
      ];
    }),
  ];
}

async function exists(kube: Kube, path: string): Promise<boolean> {
  const body = await kube.get(path);
  return body !== undefined && (!Array.isArray(body.items) || body.items.length > 0);
}

/**
 * The operator's labels of Spilo pods (its ConfigMap's `cluster_labels`, `cluster_name_label`, `pod_role_label`); `app`
 * as a label selector term (`application=spilo`).
 */
export function spiloLabels(config: Record<string, string>): {
  app: { key: string; value: string; selector: string };
  name: string;
  role: string;
} {
  const [key, value] = (config.cluster_labels ?? 'application:spilo').split(':');
  return {
    app: { key, value, selector: `${key}=${value}` },
    name: config.cluster_name_label ?? 'cluster-name',
    role: config.pod_role_label ?? 'spilo-role',
  };
}

/**
 * Patroni's one act the operator waits for: labelling each running Spilo pod with its role
 * (`pod_role_label`: the first master, the others replicas). No Patroni runs here, so the harness does it.
 */
export async function labelRoles(kube: Kube, config: Record<string, string>): Promise<void> {
  const labels = spiloLabels(config);
  for (const pod of await kube.list(
    `/api/v1/pods?labelSelector=${encodeURIComponent(`${labels.app.selector},!${labels.role}`)}`,
  )) {
    const meta = asRecord(pod.metadata);
    if (asRecord(pod.status).phase !== 'Running') continue;
    const role = String(meta.name).endsWith('-0') ? 'master' : 'replica';
    await kube.send(
      'PATCH',
      `/api/v1/namespaces/${String(meta.namespace)}/pods/${String(meta.name)}`,
      { metadata: { labels: { [labels.role]: role } } },
      'application/merge-patch+json',
    );
  }
}

/**
 * A pod of the cluster the scheduler refused: the operator waits on its pods, so nothing more will
 * come. Not while its claims are still unbound: the harness is about to provision them.
 */
async function blocked(kube: Kube, cluster: KubeObject, config: Record<string, string>): Promise<boolean> {
  const label = encodeURIComponent(`${spiloLabels(config).name}=${cluster.metadata.name}`);
  const pods = await kube.list(
    `/api/v1/namespaces/${cluster.metadata.namespace ?? 'default'}/pods?labelSelector=${label}`,
  );
  // a refusal is final only once it holds: a pod the scheduler preempts for (nominatedNodeName) or refused a
  // moment ago (a node not Ready yet, a PVC being bound) is placed a little later
  const held = (since: unknown) => Date.now() - Date.parse(String(since)) >= BLOCKED_AFTER_MS;
  return pods.some(
    (p) =>
      !asRecord(p.status).nominatedNodeName &&
      asArray(asRecord(p.status).conditions)
        .map(asRecord)
        .some(
          (c) =>
            c.type === 'PodScheduled' &&
            c.status === 'False' &&
            held(c.lastTransitionTime) &&
            !/unbound immediate PersistentVolumeClaims/.test(String(c.message)),
        ),
  );
}
const BLOCKED_AFTER_MS = 10_000;

/**
 * Wait (time-bounded) until the operator made each cluster's StatefulSet, Services, Secrets,
 * PodDisruptionBudget and connection poolers (Deployment and Service each), or until one of its pods is unschedulable
 * (the operator then waits on it).
 */
export async function awaitClusters(
  kube: Kube,
  clusters: readonly KubeObject[],
  config: Record<string, string>,
  seconds: number,
  tick: () => Promise<void>,
  /** Label roles as Patroni would (no Patroni runs: no live data plane). */
  fakeRoles = true,
): Promise<ClusterObjects[]> {
  const check = async () =>
    Promise.all(
      clusters.map(async (c) => {
        const expected = expectedObjects(c, config);
        const found = await Promise.all(expected.map((e) => exists(kube, e.path)));
        return {
          cluster: `${c.metadata.namespace}/${c.metadata.name}`,
          missing: expected.filter((_, i) => !found[i]).map((e) => e.what),
          blocked: await blocked(kube, c, config),
        };
      }),
    );
  const final =
    (await until(
      seconds,
      async () => {
        await tick();
        if (fakeRoles) await labelRoles(kube, config);
        const state = await check();
        return state.every((s) => s.missing.length === 0 || s.blocked) ? state : undefined;
      },
      500,
    )) ?? (await check());
  return final.map(({ cluster, missing }) => ({ cluster, missing }));
}

const logLines = (log: string): string[] => {
  try {
    return readFileSync(log, 'utf8').split('\n');
  } catch {
    return [];
  }
};

/** The operator's error lines (logrus text or JSON), verbatim. */
export const operatorErrors = (log: string): string[] =>
  logLines(log).filter((l) => /level=(error|fatal)|"level":"(error|fatal)"/.test(l));

/** The API server's Pod Security warnings on what the operator created (client-go logs them). */
export const operatorWarnings = (log: string): string[] => [
  ...new Set(
    logLines(log)
      .map((l) => /warnings\.go:\d+\] (.*)$/.exec(l)?.[1])
      .filter((w): w is string => w !== undefined),
  ),
];
