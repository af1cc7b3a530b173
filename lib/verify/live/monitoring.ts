import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../../core/objects';
import { asArray, asRecord, isRecord } from '../../core/records';
import type { Site } from '../../site/model';
import { binaryPath, isBuilt, monitoringComponents, type Component } from '../components';
import { until, type Kube } from '../kube';
import { provision } from '../placement';
import { PROBE_LABEL } from '../probes';
import { killGroup } from '../processes';
import type { PodNetwork } from './network';
import type { ImageRuntime, Kubelet, RunningPod } from './pods';

/** A ServiceMonitor or PodMonitor of the site, and what the running Prometheus made of it. */
export interface MonitorFacts {
  readonly kind: 'ServiceMonitor' | 'PodMonitor';
  readonly namespace: string;
  readonly name: string;
  /** Its targets Prometheus discovered (the active targets of its scrape pools). */
  readonly discovered: number;
  /** Of them, those whose last scrape succeeded. */
  readonly up: number;
  /**
   * What the run has for it to find, asked of the API server with its own selectors: ready endpoints of the Services
   * it selects on its ports, or running pods it selects with its ports.
   */
  readonly expected: number;
}

/** The alert that went through Prometheus into Alertmanager, and what was done to fire it. */
interface AlertFired {
  readonly name: string;
  /** The Alertmanager pods (`namespace/name`) whose API lists it. */
  readonly receivedBy: readonly string[];
  /** What verify did to fire it, and the rule's `for:` it evaluated. */
  readonly how: string;
}

export interface MonitoringFacts {
  readonly monitors: readonly MonitorFacts[];
  readonly alertFired: AlertFired | null;
  /** What fails the site: a monitor blind, a 403, an exporter not up, no alert. */
  readonly findings: readonly string[];
  /** What this run cannot establish, and why. */
  readonly notVerified: readonly string[];
}

/** The rule fired end to end, and its `for:` in verify (the rendered 2m exceeds the run's budget). */
const ALERT = 'PostgresInstanceDown';
const SHORT_FOR = '15s';
const PROMETHEUS_PORT = 9090;
const ALERTMANAGER_PORT = 9093;
const EXPORTER_PORT = 9187;

/**
 * The init-config-reloader of prometheus-operator's StatefulSets (its `--config-file` → `--config-envsubst-file`
 * step: gunzip the operator's Secret, expand `$(POD_NAME)` and `$(SHARD)`), then the container's program. The
 * reloader's sidecar is not run: configuration changed after a pod started is not reloaded.
 */
const CONFIG_INIT = `#!/bin/sh
# verify's stand-in for prometheus-operator's init-config-reloader container (lib/verify/live/monitoring.ts)
set -eu
gz=$1 out=$2
shift 2
gunzip -c "$gz" | sed -e "s/\\$(POD_NAME)/$HOSTNAME/g" -e 's/\\$(SHARD)/0/g' >"$out"
exec "$@"
`;

const endsWithImage = (name: string, tag: string) => (image: string) =>
  new RegExp(`(^|/)${name}:${tag.replace(/\./g, '\\.')}$`).test(image);
const tagOf = (c: Component): string => c.id.slice(c.id.lastIndexOf('-') + 1);

/**
 * The kubelet stand-in's runtimes for the monitoring stack of the site's train: prometheus-operator's pod (its
 * rendered Deployment, its ServiceAccount's token), and the Prometheus and Alertmanager pods of the StatefulSets the
 * operator generates, each running its release's binary with the config the operator wrote.
 */
function runtimes(site: Site, dir: string): ImageRuntime[] {
  const m = monitoringComponents(site);
  if (!m) return [];
  const layer = join(dir, 'monitoring-layer');
  mkdirSync(join(layer, 'etc'), { recursive: true });
  writeFileSync(join(layer, 'config-init.sh'), CONFIG_INIT, { mode: 0o755 });
  // Prometheus and Alertmanager: the init-config-reloader's step, then the program, with the pod's init volumes
  const configured = (name: 'prometheus' | 'alertmanager', c: Component): ImageRuntime => ({
    name: `${name} ${tagOf(c)}`,
    matches: endsWithImage(name, tagOf(c)),
    layer,
    env: {},
    command: [
      '/bin/sh',
      '/config-init.sh',
      `/etc/${name}/config/${name}.yaml.gz`,
      `/etc/${name}/config_out/${name}.env.yaml`,
      binaryPath(c, name),
    ],
    runsInitContainers: true,
  });
  return [
    {
      name: `prometheus-operator ${tagOf(m.operator)}`,
      matches: endsWithImage('prometheus-operator', tagOf(m.operator)),
      layer,
      env: {},
      command: [binaryPath(m.operator, 'operator')],
    },
    configured('prometheus', m.prometheus),
    configured('alertmanager', m.alertmanager),
  ];
}

/** The monitoring components a site's live run needs that are not built (a NOT RUN of its monitoring checks). */
export function unbuiltMonitoring(site: Site): string[] {
  const m = monitoringComponents(site);
  return m ? [m.operator, m.prometheus, m.alertmanager].filter((c) => !isBuilt(c)).map((c) => c.id) : [];
}

interface MonitoringRun {
  readonly site: Site;
  readonly kube: Kube;
  readonly kubelet: Kubelet;
  readonly net: PodNetwork;
  readonly dir: string;
  /** The rendered objects of the site (its PrometheusRules, ServiceMonitors, PodMonitors). */
  readonly objects: readonly KubeObject[];
  /** Each cluster's leader pod (`namespace/name`), from the live facts: the alert is fired on another instance. */
  readonly leaders: ReadonlySet<string>;
  readonly log: (line: string) => void;
}

/**
 * The site's monitoring, live: the real prometheus-operator of its train runs as its rendered Deployment's pod (its
 * ServiceAccount, the rendered RBAC) and generates Prometheus' and Alertmanager's StatefulSets and configuration; their
 * pods run the real Prometheus and Alertmanager in the pod network. Every ServiceMonitor and PodMonitor must have its
 * targets discovered, the exporters' targets must be up, and one rule (PostgresInstanceDown, `for:` shortened) must
 * reach Alertmanager once a replica's exporter is paused.
 */
export async function verifyMonitoring(run: MonitoringRun): Promise<MonitoringFacts> {
  const { kube, kubelet, log } = run;
  const findings: string[] = [];
  const notVerified: string[] = [];
  const monitorObjects = run.objects.filter((o) => o.kind === 'ServiceMonitor' || o.kind === 'PodMonitor');
  // the probes stood in for the pods the operator now makes: their place goes to the real ones
  for (const pod of await kube.list(`/api/v1/pods?labelSelector=${encodeURIComponent(PROBE_LABEL)}`)) {
    const meta = asRecord(pod.metadata);
    const group = String(asRecord(meta.labels)[PROBE_LABEL]);
    if (/^(prometheus|alertmanager)-/.test(group))
      await kube.send(
        'DELETE',
        `/api/v1/namespaces/${String(meta.namespace)}/pods/${String(meta.name)}?gracePeriodSeconds=0`,
      );
  }
  const renderedFor = await shortenedRules(kube, run.objects);
  if (renderedFor.length === 0)
    notVerified.push(`no rendered PrometheusRule has ${ALERT}: no alert is fired end to end`);
  kubelet.addImages(runtimes(run.site, run.dir));
  const begun = Date.now();
  log("monitoring: prometheus-operator started as its Deployment's pod; waiting for Prometheus and Alertmanager");
  const podsOf = (prefix: string) =>
    [...kubelet.pods.values()].filter((p) => p.runtime.startsWith(prefix) && p.program.exited === undefined);
  const ready = async (p: RunningPod, port: number) =>
    (await get(run.net, `http://${p.ip}:${port}/-/ready`)) !== undefined;
  const started = await until(
    180,
    async () => {
      await provision(kube);
      const prometheus = podsOf('prometheus ');
      const alertmanagers = podsOf('alertmanager ');
      if (prometheus.length === 0 || alertmanagers.length === 0) return undefined;
      for (const p of [...prometheus]) if (!(await ready(p, PROMETHEUS_PORT))) return undefined;
      for (const p of alertmanagers) if (!(await ready(p, ALERTMANAGER_PORT))) return undefined;
      return { prometheus, alertmanagers };
    },
    2000,
  );
  if (!started) {
    const operator = podsOf('prometheus-operator ')[0];
    const pending = (await kube.list('/api/v1/namespaces/monitoring/pods'))
      .filter((p) => /^(prometheus|alertmanager)-/.test(String(asRecord(p.metadata).name)))
      .map((p) => {
        const status = asRecord(p.status);
        const why = asArray(status.conditions)
          .map(asRecord)
          .filter((c) => c.status !== 'True')
          .map((c) => `${String(c.type)}: ${String(c.message ?? c.reason ?? '')}`);
        return `${String(asRecord(p.metadata).name)} ${String(status.phase)}${status.podIP ? ` at ${String(status.podIP)}` : ''}${why.length ? ` (${why.join('; ')})` : ''}`;
      });
    findings.push(`monitoring: the operator's pods: ${pending.join(', ') || 'none'}`);
    findings.push(
      `monitoring: Prometheus and Alertmanager did not come up in 180 s (pods run: ${
        [...kubelet.pods.values()]
          .filter((p) => !p.runtime.startsWith('spilo'))
          .map(
            (p) =>
              `${p.namespace}/${p.name} (${p.runtime}${p.program.exited === undefined ? '' : `, exited ${p.program.exited}`})`,
          )
          .join(', ') || 'none'
      }; ${operator ? `operator log: ${lastLines(operator, 3)}` : 'no prometheus-operator pod runs'})`,
    );
    return { monitors: [], alertFired: null, findings, notVerified };
  }
  const prometheus = started.prometheus[0];
  const since = Date.now();
  log(
    `monitoring: ${started.prometheus.map((p) => p.name).join(', ')} and ${started.alertmanagers.map((p) => p.name).join(', ')} running (${((Date.now() - begun) / 1000).toFixed(0)} s)`,
  );
  const exporters = [...kubelet.pods.values()].filter((p) => p.sidecars.length > 0 && p.runtime.startsWith('spilo'));
  const expected = new Map<string, number>();
  for (const m of monitorObjects) expected.set(key(m), await expectedTargets(kube, m));
  // Prometheus scrapes every 30 s: discovered, then scraped
  let targets: Target[] = [];
  await until(
    150,
    async () => {
      targets = await activeTargets(run.net, prometheus);
      const blind = monitorObjects.some((m) => (expected.get(key(m)) ?? 0) > 0 && poolOf(targets, m).length === 0);
      const down = exporters.some((p) => !targets.some((t) => t.address === `${p.ip}:${EXPORTER_PORT}` && t.up));
      return blind || down ? undefined : true;
    },
    3000,
  );
  const monitors = monitorObjects.map((m): MonitorFacts => {
    const pool = poolOf(targets, m);
    return {
      kind: m.kind as MonitorFacts['kind'],
      namespace: m.metadata.namespace ?? 'default',
      name: m.metadata.name,
      discovered: pool.length,
      up: pool.filter((t) => t.up).length,
      expected: expected.get(key(m)) ?? 0,
    };
  });
  const judged = judgeMonitors(monitors, monitorObjects, forbiddenLines(readSafe(join(prometheus.dir, 'pod.log'))));
  findings.push(...judged.findings);
  notVerified.push(...judged.notVerified);
  for (const p of exporters) {
    const t = targets.find((x) => x.address === `${p.ip}:${EXPORTER_PORT}`);
    if (!t || !t.up)
      findings.push(
        `${p.namespace}/${p.name}: the exporter's target ${p.ip}:${EXPORTER_PORT} is ${t ? `not up (${t.lastError || t.health})` : 'not a target of Prometheus'}`,
      );
  }
  if (!(await alertmanagersDiscovered(run.net, prometheus)))
    findings.push(
      'Prometheus discovered no Alertmanager (its alerting endpoints select no ready alertmanager-main pod)',
    );
  const alertFired =
    renderedFor.length && exporters.length ? await fireAlert(run, exporters, started.alertmanagers, renderedFor) : null;
  if (renderedFor.length && exporters.length && !alertFired)
    findings.push(`${ALERT} did not reach Alertmanager within 150 s of pausing an exporter`);
  log(`monitoring: checked in ${((Date.now() - since) / 1000).toFixed(0)} s after Prometheus and Alertmanager were up`);
  return { monitors, alertFired, findings, notVerified };
}

const key = (o: KubeObject): string => `${o.kind}/${o.metadata.namespace ?? 'default'}/${o.metadata.name}`;

/**
 * A copy of each rendered PrometheusRule group holding ALERT, with `for:` shortened (the rendered 2m would not fire
 * within verify's budget): created before Prometheus starts (the config-reloader's sidecar does not run). The alert
 * carries `verify_for` so that it is told apart.
 */
async function shortenedRules(kube: Kube, objects: readonly KubeObject[]): Promise<string[]> {
  const renderedFor: string[] = [];
  for (const rule of objects.filter((o) => o.kind === 'PrometheusRule')) {
    const groups = asArray(asRecord(rule.spec).groups)
      .map(asRecord)
      .map((g) => ({
        name: `${String(g.name)}-verify`,
        rules: asArray(g.rules)
          .map(asRecord)
          .filter((r) => r.alert === ALERT),
      }))
      .filter((g) => g.rules.length > 0);
    if (groups.length === 0) continue;
    const ns = rule.metadata.namespace ?? 'default';
    const r = await kube.send('POST', `/apis/monitoring.coreos.com/v1/namespaces/${ns}/prometheusrules`, {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: `${rule.metadata.name}-verify-for`, namespace: ns, labels: rule.metadata.labels ?? {} },
      spec: {
        groups: groups.map((g) => ({
          ...g,
          rules: g.rules.map((x) => ({
            ...x,
            for: SHORT_FOR,
            labels: { ...asRecord(x.labels), verify_for: SHORT_FOR },
          })),
        })),
      },
    });
    if (r.status < 300) renderedFor.push(...groups.flatMap((g) => g.rules.map((x) => String(x.for ?? '0s'))));
  }
  return [...new Set(renderedFor)];
}

/** The namespaces a monitor looks in (`*`: all). */
function namespacesOf(m: KubeObject): string[] {
  const selector = asRecord(asRecord(m.spec).namespaceSelector);
  if (selector.any === true) return ['*'];
  const names = asArray(selector.matchNames).map(String);
  return names.length ? names : [m.metadata.namespace ?? 'default'];
}

/** A label selector as the API server's `labelSelector` parameter. */
function selectorQuery(selector: Record<string, unknown>): string {
  const parts = Object.entries(asRecord(selector.matchLabels)).map(([k, v]) => `${k}=${String(v)}`);
  for (const e of asArray(selector.matchExpressions).map(asRecord)) {
    const values = asArray(e.values).map(String).join(',');
    const k = String(e.key);
    if (e.operator === 'In') parts.push(`${k} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${k} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(k);
    else if (e.operator === 'DoesNotExist') parts.push(`!${k}`);
  }
  return encodeURIComponent(parts.join(','));
}

/**
 * What the run has for a monitor to find, asked of the API server: for a ServiceMonitor, the ready endpoints of the
 * Services it selects on each of its endpoints' ports; for a PodMonitor, the running pods it selects with a container
 * port of each of its endpoints' names.
 */
async function expectedTargets(kube: Kube, m: KubeObject): Promise<number> {
  const spec = asRecord(m.spec);
  const query = selectorQuery(asRecord(spec.selector));
  const at = (ns: string, what: string) => (ns === '*' ? `/api/v1/${what}` : `/api/v1/namespaces/${ns}/${what}`);
  let count = 0;
  if (m.kind === 'PodMonitor') {
    const endpoints = asArray(spec.podMetricsEndpoints).map(asRecord);
    for (const ns of namespacesOf(m))
      for (const pod of await kube.list(`${at(ns, 'pods')}?labelSelector=${query}`)) {
        const status = asRecord(pod.status);
        if (status.phase !== 'Running' || !status.podIP) continue;
        const ports = asArray(asRecord(pod.spec).containers).flatMap((c) =>
          asArray(asRecord(c).ports).map((p) => asRecord(p).name),
        );
        count += endpoints.filter((e) => e.port === undefined || ports.includes(e.port)).length;
      }
    return count;
  }
  const endpoints = asArray(spec.endpoints).map(asRecord);
  for (const ns of namespacesOf(m))
    for (const service of await kube.list(`${at(ns, 'services')}?labelSelector=${query}`)) {
      const meta = asRecord(service.metadata);
      const slices = await kube.list(
        `/apis/discovery.k8s.io/v1/namespaces/${String(meta.namespace)}/endpointslices?labelSelector=${encodeURIComponent(`kubernetes.io/service-name=${String(meta.name)}`)}`,
      );
      for (const slice of slices) {
        const ports = asArray(slice.ports).map((p) => asRecord(p));
        const ready = asArray(slice.endpoints)
          .map(asRecord)
          .filter((e) => asRecord(e.conditions).ready !== false)
          .reduce((n, e) => n + asArray(e.addresses).length, 0);
        const matching = endpoints.filter((e) =>
          ports.some((p) => (e.port !== undefined ? p.name === e.port : p.port === e.targetPort)),
        ).length;
        count += ready * matching;
      }
    }
  return count;
}

interface Target {
  readonly pool: string;
  readonly address: string;
  readonly up: boolean;
  readonly health: string;
  readonly lastError: string;
}

/** The active targets of a monitor's scrape pools (`serviceMonitor/<ns>/<name>/<i>`, `podMonitor/...`). */
const poolOf = (targets: readonly Target[], m: KubeObject): Target[] => {
  const prefix = `${m.kind === 'PodMonitor' ? 'podMonitor' : 'serviceMonitor'}/${m.metadata.namespace ?? 'default'}/${m.metadata.name}/`;
  return targets.filter((t) => t.pool.startsWith(prefix));
};

/** An HTTP GET from the nodes' network namespace (where pod IPs are reachable); undefined unless 2xx. */
async function get(net: PodNetwork, url: string): Promise<string | undefined> {
  const r = await net.exec('curl', ['--silent', '--fail', '--max-time', '10', url], 15_000);
  return r.status === 0 ? r.stdout : undefined;
}

async function activeTargets(net: PodNetwork, prometheus: RunningPod): Promise<Target[]> {
  const body = await get(net, `http://${prometheus.ip}:${PROMETHEUS_PORT}/api/v1/targets?state=active`);
  if (!body) return [];
  return asArray(asRecord(asRecord(JSON.parse(body)).data).activeTargets)
    .map(asRecord)
    .map((t) => ({
      pool: String(t.scrapePool),
      address: String(asRecord(t.labels).instance ?? ''),
      up: t.health === 'up',
      health: String(t.health),
      lastError: String(t.lastError ?? ''),
    }));
}

async function alertmanagersDiscovered(net: PodNetwork, prometheus: RunningPod): Promise<boolean> {
  const body = await get(net, `http://${prometheus.ip}:${PROMETHEUS_PORT}/api/v1/alertmanagers`);
  return body !== undefined && asArray(asRecord(asRecord(JSON.parse(body)).data).activeAlertmanagers).length > 0;
}

/** A refusal of the API server in Prometheus' log: what its service account may not do, where (`*`: cluster-wide). */
export interface Forbidden {
  readonly verb: string;
  readonly resource: string;
  readonly namespace: string;
}

/** The API server's refusals (403) client-go logs: `cannot list resource "endpoints" in API group "" in the namespace "x"`. */
export function forbiddenLines(log: string): Forbidden[] {
  const found = [
    ...log.matchAll(
      /cannot (\w+) resource \\?"([^"\\]+)\\?" in API group \\?"([^"\\]*)\\?"(?: in the namespace \\?"([^"\\]+)\\?")?/g,
    ),
  ].map((m) => ({ verb: m[1], resource: m[3] ? `${m[2]}.${m[3]}` : m[2], namespace: m[4] ?? '*' }));
  return [...new Map(found.map((f) => [`${f.verb} ${f.resource} ${f.namespace}`, f])).values()];
}

/**
 * The verdict on each monitor: refused by the API server (403) or blind although the run has what it selects fails the
 * site; nothing to select in this run is not verified.
 */
export function judgeMonitors(
  monitors: readonly MonitorFacts[],
  objects: readonly KubeObject[],
  forbidden: readonly Forbidden[],
): { findings: string[]; notVerified: string[] } {
  const findings: string[] = [];
  const notVerified: string[] = [];
  for (const m of monitors) {
    const obj = objects.find((o) => key(o) === `${m.kind}/${m.namespace}/${m.name}`);
    const where = obj ? namespacesOf(obj) : [m.namespace];
    const denied = forbidden.filter((f) => f.namespace === '*' || where.includes('*') || where.includes(f.namespace));
    if (denied.length && m.discovered === 0)
      findings.push(
        `${m.kind} ${m.namespace}/${m.name}: Prometheus' service account is refused by the API server (403): it may not ${denied.map((d) => `${d.verb} ${d.resource} ${d.namespace === '*' ? 'cluster-wide' : `in namespace ${d.namespace}`}`).join('; ')}: grant it in the prometheus-k8s Role(s) there`,
      );
    else if (m.discovered === 0 && m.expected > 0)
      findings.push(
        `${m.kind} ${m.namespace}/${m.name}: Prometheus discovered no target although ${m.expected} ${m.kind === 'PodMonitor' ? 'running pod port(s)' : 'ready Service endpoint port(s)'} match its selector and ports`,
      );
    else if (m.discovered === 0)
      notVerified.push(
        `${m.kind} ${m.namespace}/${m.name}: ${m.kind === 'PodMonitor' ? 'no running pod it selects has its port' : 'no Service it selects has a ready endpoint on its port'} in this run (what it scrapes does not run here): its discovery is not checked`,
      );
  }
  return { findings, notVerified };
}

const readSafe = (file: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

const lastLines = (p: RunningPod, n: number): string =>
  readSafe(join(p.dir, 'pod.log')).trimEnd().split('\n').slice(-n).join(' | ');

/**
 * Pause the exporter of one instance (a replica where the cluster has one) and wait until Alertmanager lists the alert
 * for that pod: scrape failed (`up == 0`), rule pending, firing, sent by Prometheus, received.
 */
async function fireAlert(
  run: MonitoringRun,
  exporters: readonly RunningPod[],
  alertmanagers: readonly RunningPod[],
  renderedFor: readonly string[],
): Promise<AlertFired | null> {
  const victim = exporters.find((p) => !run.leaders.has(`${p.namespace}/${p.name}`)) ?? exporters[0];
  // paused, not killed: its scrapes time out (up == 0) and it carries on once resumed, for what the run does next
  for (const s of victim.sidecars) killGroup(s.child, 'SIGSTOP');
  run.log(
    `monitoring: paused the exporter of ${victim.namespace}/${victim.name}; waiting for ${ALERT} in Alertmanager`,
  );
  const filter = encodeURIComponent(`alertname="${ALERT}"`);
  // every Alertmanager Prometheus discovered gets it; one that has not by the end is left out of receivedBy
  let receivedBy: string[] = [];
  await until(
    150,
    async () => {
      const by: string[] = [];
      for (const am of alertmanagers) {
        const body = await get(run.net, `http://${am.ip}:${ALERTMANAGER_PORT}/api/v2/alerts?filter=${filter}`);
        const alerts = body ? asArray(JSON.parse(body)).filter(isRecord) : [];
        if (alerts.some((a) => asRecord(a.labels).pod === victim.name)) by.push(`${am.namespace}/${am.name}`);
      }
      receivedBy = by;
      return by.length === alertmanagers.length ? by : undefined;
    },
    3000,
  );
  for (const s of victim.sidecars) killGroup(s.child, 'SIGCONT');
  return receivedBy.length
    ? {
        name: ALERT,
        receivedBy,
        how: `the exporter of ${victim.namespace}/${victim.name} paused (SIGSTOP: its scrapes time out, up == 0; resumed after); a copy of the rule with for: ${SHORT_FOR} (rendered for: ${renderedFor.join(', ')}, longer than verify's budget)`,
      }
    : null;
}
