import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SiteTree } from '../check/findings';
import type { KubeObject } from '../core/objects';
import { argoCdInstallsServerSide } from '../bootstrap/argocd';
import { catalogOf } from '../site/catalog';
import { resolveSite } from '../site/resolve';
import { siteImage } from '../site/mirrors';
import { applyObject, retryWave, syncApplication, type ObjectResult, type Synced } from './apply';
import {
  instanceAssertions,
  placementAssertions,
  poolerPlacementAssertions,
  serviceAndPoolerAssertions,
  statefulSetAssertions,
  type Assertion,
} from './asserts';
import { isBuilt, kubernetesRelease, verifyComponents } from './components';
import { startControlPlane, stopControlPlane, type ControlPlane } from './control-plane';
import { startDatabase, type Database } from './database';
import { stop } from './processes';
import { Session } from './session';
import { liveUnavailable, liveUnsupported, startDataPlane, type DataPlane } from './live/data-plane';
import { liveFacts, liveFindings, type LiveFacts } from './live/facts';
import type { StandbyFacts } from './live/standby-facts';
import {
  BY_NAME_ONLY,
  LIVE_OPERATIONS,
  operationUnavailable,
  performOperations,
  type LiveOperation,
  type OperationOutcome,
} from './live/operations';
import { unbuiltMonitoring, verifyMonitoring, type MonitoringFacts } from './live/monitoring';
import { messageOf, until, type Kube } from './kube';
import type { LiveSite } from './day2';
import { kwokNodes } from './nodes';
import {
  awaitClusters,
  configData,
  deployTimeSecrets,
  operatorErrors,
  operatorWarnings,
  operatorSetup,
  startOperator,
  type ClusterObjects,
  type Operator,
  type OperatorSetup,
} from './operator';
import { awaitPlacement, provision, type PodResult, type ShortWorkload } from './placement';
import { probes as probesOf } from './probes';
import { bootstrapObjects, syncPlan, unsyncedFolders, waves } from '../check/sync-plan';

/** The API server's Pod Security warning (`would violate PodSecurity "restricted:latest": ...`). */
const POD_SECURITY_WARNING = /would violate PodSecurity/;
/** Operator errors from talking to Patroni, which cannot run here (no Spilo container). */
const NEEDS_PATRONI = /Patroni API|patroni returned|could not get member data/i;
/** Refusals for want of a CRD or service account that an Application outside dist/ would bring. */
const MISSING_DEPENDENCY = /does not serve .* no CustomResourceDefinition|error looking up service account/;

export interface VerifyReport {
  readonly site: string;
  readonly kubernetes: string;
  readonly nodes: number;
  readonly objects: readonly ObjectResult[];
  /** Applications and folders that could not be verified, and why. */
  readonly notVerified: readonly string[];
  /**
   * Checks that did not run because a component could not be built here (see `fromGit`): the run is incomplete, not
   * passed.
   */
  readonly notRun: readonly string[];
  readonly clusters: readonly ClusterObjects[];
  readonly operatorErrors: readonly string[];
  /** Runs of the operator that exited and were restarted, as its pod would be: their last error line. */
  readonly operatorCrashes: readonly string[];
  /** The API server's warnings on the operator's writes (Pod Security `would violate`). */
  readonly operatorWarnings: readonly string[];
  readonly pods: readonly PodResult[];
  readonly short: readonly ShortWorkload[];
  /** Placement settled before the time bound. */
  readonly settled: boolean;
  readonly assertions: readonly Assertion[];
  /** The live data plane's facts per cluster (with `dataPlane`), and what fell short. */
  readonly live?: { readonly clusters: readonly LiveFacts[]; readonly findings: readonly string[] };
  /** The day-2 operations performed live (`operations`), with their evidence. */
  readonly operations?: readonly OperationOutcome[];
  /** Its clusters that are standbys of another site's (lib/verify/live/standby.ts). */
  readonly standbys?: readonly StandbyFacts[];
  /** The monitoring stack run live (a monitored site with `dataPlane`): discovery per monitor, the alert fired. */
  readonly monitoring?: MonitoringFacts;
  readonly seconds: number;
  readonly ok: boolean;
}

export interface VerifyOptions {
  /** Keep the temp folder (logs, certificates, etcd) instead of deleting it. */
  readonly keep?: boolean;
  /** Time bounds, seconds. */
  readonly operatorSeconds?: number;
  readonly placementSeconds?: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
  /**
   * Aborting it (a test's timeout, a caller's cancel) kills every process of the run at once; the run then fails.
   */
  readonly signal?: AbortSignal;
  /**
   * Run the data plane for real (lib/verify/live/): the site's Spilo pods as processes with PostgreSQL and Patroni.
   */
  readonly dataPlane?: boolean;
  /** Time bound of the live facts (a leader, streaming replicas, a base backup), seconds. */
  readonly liveSeconds?: number;
  /**
   * The runbook's day-2 operations performed on the live data plane, in this order (lib/verify/live/operations.ts):
   * one that cannot run on this site is NOT RUN; with `all`, every one the site allows (the others not verified).
   */
  readonly operations?: readonly LiveOperation[] | 'all';
  /** After the checks, before the control plane stops: day-2 operations run here. */
  readonly live?: (live: LiveSite) => Promise<void>;
  /** Another site's links into this run's live data plane (lib/verify/live/standby.ts). */
  readonly peer?: PeerLinks;
}

/** What another site's run adds to this one's live data plane: once it runs (before any pod), and after each wave. */
interface PeerLinks {
  readonly started: (plane: DataPlane, session: Session, dir: string) => Promise<void>;
  readonly afterWave: (kube: Kube) => Promise<void>;
}

/**
 * Verify one site: a throwaway control plane of its Kubernetes version, its nodes as kwok nodes,
 * dist/<site>/ applied as ArgoCD would, the real Zalando operator, placement probes for the
 * operators that cannot run, then the runbook's facts checked on the live objects.
 */
export async function verifySite(tree: SiteTree, options: VerifyOptions = {}): Promise<VerifyReport> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const { site } = tree;
  // the site's own train and versions: overrides
  const release = kubernetesRelease(site);
  const components = verifyComponents(site);
  const dir = mkdtempSync(join(tmpdir(), `verify-${site.name}-`));
  const session = await Session.open(options.signal);
  log(
    session.isolated
      ? `processes of this run: PID namespace ${session.namespace} (VERIFY_SESSION=${session.id}), killed with the run`
      : `processes of this run: process groups (VERIFY_SESSION=${session.id}; no PID namespace: neither root nor user namespaces), killed with the run`,
  );
  let cp: ControlPlane | undefined;
  let operator: Operator | undefined;
  let database: Database | undefined;
  // what fails after an abort fails because the run's processes were killed
  const whyFailed = (e: unknown): unknown =>
    options.signal?.aborted
      ? new Error(
          `verify ${site.name} was aborted (${String(options.signal.reason)}): every process of the run was killed`,
          { cause: e },
        )
      : e;
  const stopAll = async (): Promise<void> => {
    if (operator) operator.stopped = true;
    try {
      await plane?.stop();
      if (cp) await stopControlPlane({ ...cp, programs: [...(operator ? [operator.current] : []), ...cp.programs] });
    } finally {
      try {
        database?.stop();
      } finally {
        await session.close();
        log('every process of the run stopped');
        if (!options.keep) rmSync(dir, { recursive: true, force: true });
      }
    }
  };
  let report: VerifyReport;
  let plane: DataPlane | undefined;
  const notVerifiedLive: string[] = [];
  try {
    cp = await startControlPlane(dir, components, resolveSite(site).serviceSubnet, site.kubernetes.podSubnet, session);
    const { kube, kubeconfig } = cp;
    log(`control plane v${release} up in ${cp.startSeconds.toFixed(1)} s (${dir})`);
    const liveNotYet = options.dataPlane ? liveUnsupported(site) : undefined;
    const liveBlocked = options.dataPlane && !liveNotYet ? liveUnavailable(site) : undefined;
    if (liveNotYet) notVerifiedLive.push(`the live data plane: ${liveNotYet}`);
    if (options.dataPlane && !liveNotYet && !liveBlocked)
      plane = await startDataPlane({
        site,
        kube,
        session,
        dir,
        apiPort: Number(new URL(kube.server).port),
        caFile: cp.pki.ca,
        pki: cp.pki,
        serviceSubnet: resolveSite(site).serviceSubnet,
        objects: tree.objects.map((o) => o.obj),
        log,
      });
    if (plane) await options.peer?.started(plane, session, dir);
    const objects: ObjectResult[] = [];
    const nodes = kwokNodes(site);
    for (const node of nodes) {
      const r = await kube.send('POST', '/api/v1/nodes', node);
      if (r.status >= 300)
        objects.push({
          where: `node ${node.metadata.name}`,
          verdict: 'rejected',
          message: messageOf(r),
          warnings: r.warnings,
        });
    }
    await until(30, async () =>
      (await kube.list('/api/v1/nodes')).filter((n) =>
        JSON.stringify(n.status).includes('"type":"Ready","status":"True"'),
      ).length === nodes.length
        ? true
        : undefined,
    );
    log(`${nodes.length} kwok node(s) registered`);
    // ArgoCD's install manifest goes server-side where the bootstrap applies it so (its CRDs outgrew the last-applied
    // annotation in 3.3)
    const installSsa = argoCdInstallsServerSide(catalogOf(site).versions.argocd);
    for (const r of bootstrapObjects(site))
      objects.push(await applyObject(kube, r, r.app === 'argocd-install' && installSsa));
    // the StorageClasses the site's cluster has without dist/ (externalStorageClasses): a stand-in each, whose claims
    // get volumes as every other class's do (provision)
    for (const name of site.externalStorageClasses ?? [])
      objects.push(
        await applyObject(kube, { site: site.name, app: 'verify-external', file: '', obj: externalClass(name) }, false),
      );
    const plan = syncPlan(tree);
    const notVerified = [
      ...plan.filter((a) => a.notRendered).map((a) => `Application ${a.app}: ${a.notRendered}`),
      ...unsyncedFolders(tree, plan).map((f) => `dist/${site.name}/${f}/: no Application syncs this folder`),
    ];
    const setup = operatorSetup(tree.objects);
    const operatorBuilt = isBuilt(components.postgresOperator);
    const clusters: KubeObject[] = tree.objects.filter((o) => o.obj.kind === 'postgresql').map((o) => o.obj);
    const config = setup ? configData(setup.configMap) : {};
    for (const wave of waves(plan)) {
      const synced: Synced[] = [];
      for (const app of wave) {
        synced.push(...(await syncApplication(kube, app)));
        if (setup && !operator && operatorBuilt && app.objects.some((o) => o.obj === setup.deployment)) {
          // the live data plane's PostgreSQL serves the poolers' lookup function itself
          database = plane ? undefined : await startDatabase(clusters, config, session);
          await plane?.beforeOperator(config);
          if (database)
            log(`PostgreSQL stand-in for the pooled clusters' lookup function on 127.0.0.1:${database.port}`);
          operator = await startOperator(kube, setup, {
            dir,
            kubeconfig,
            component: components.postgresOperator,
            database,
            session,
            live: plane && {
              nodePid: plane.net.nodePid,
              kubeconfig: plane.kubeconfig,
              hostsFile: plane.proxy.hostsFile,
            },
          });
          log('postgres-operator started');
        }
      }
      // the deploy-time Secrets, once their namespace exists (errors are left to the operator's wait to report)
      for (const secret of deployTimeSecrets(config, clusters))
        await kube.send('POST', `/api/v1/namespaces/${secret.metadata.namespace}/secrets`, secret);
      await plane?.afterWave(config, clusters);
      if (plane) await options.peer?.afterWave(kube);
      const results = await retryWave(kube, synced);
      objects.push(...results);
      log(
        `synced ${wave.map((a) => a.app).join(', ')} (wave ${wave[0].wave}): ${results.length} objects, ${results.filter((r) => r.verdict === 'rejected').length} rejected`,
      );
    }
    const probes = probesOf(tree.objects);
    for (const probe of probes)
      for (const pod of probe.pods)
        objects.push(await applyObject(kube, { site: site.name, app: 'verify-probes', file: '', obj: pod }, false));
    const clusterObjects = operator
      ? await awaitClusters(
          kube,
          clusters,
          config,
          options.operatorSeconds ?? (plane ? 240 : 60),
          () => provision(kube),
          !plane,
        )
      : [];
    const notRun = [
      ...(liveBlocked && clusters.length ? [`the live data plane: ${liveBlocked}`] : []),
      ...(clusters.length && !operatorBuilt
        ? [
            `${components.postgresOperator.id} is not built here (its source comes from git, not from the module proxy: run npm run verify -- --build ` +
              "where its repository is reachable, or set POSTGRES_OPERATOR_GIT to a copy): the operator's StatefulSets, Services, poolers and the Spilo pods' placement are not checked",
          ]
        : []),
    ];
    if (plane) notVerified.push(...plane.notCovered(clusters));
    if (clusters.length) notVerified.push(...notVerifiedLive);
    if (clusters.length && operatorBuilt && !operator)
      notVerified.push(
        'postgresql clusters: no postgres-operator Deployment with CONFIG_MAP_NAME and its ConfigMap in dist/',
      );
    log('operator objects checked; waiting for placement');
    const placement = await awaitPlacement(kube, options.placementSeconds ?? 90);
    log(
      `placement ${placement.settled ? 'settled' : 'not settled in time'}: ${placement.pods.filter((p) => p.node).length} of ${placement.pods.length} pods placed; checking`,
    );
    const assertions = [
      ...(operator
        ? [
            ...(await statefulSetAssertions(kube, clusters, config)),
            ...(await instanceAssertions(kube, clusters, placement.pods)),
          ]
        : []),
      ...(operator
        ? await serviceAndPoolerAssertions(
            kube,
            clusters,
            config,
            siteImage(site.mirrors, catalogOf(site).images.pgbouncer),
          )
        : []),
      ...placementAssertions(placement.pods, probes, config, nodes),
      ...(operator ? poolerPlacementAssertions(placement.pods, clusters, config, nodes) : []),
    ];
    const allErrors = operator ? operatorErrors(operator.current.log) : [];
    const errors = allErrors.filter((e) => plane || !NEEDS_PATRONI.test(e));
    notVerified.push(
      ...[
        ...new Set(
          allErrors
            .filter((e) => !plane && NEEDS_PATRONI.test(e))
            .map(() => "the operator's calls to Patroni (restarts, member data): no Spilo container runs here"),
        ),
      ],
    );
    // what fails only because an Application is not rendered into dist/ (its CRDs, its service accounts) is not
    // verified, not refused
    const unrendered = plan.filter((a) => a.notRendered).map((a) => a.app);
    const fromUnrendered = (message: string | undefined) =>
      unrendered.length > 0 && MISSING_DEPENDENCY.test(message ?? '');
    const dependsOn = `it needs objects of Application(s) ${unrendered.join(', ')}, not rendered into dist/`;
    notVerified.push(
      ...objects
        .filter((o) => o.verdict === 'rejected' && fromUnrendered(o.message))
        .map((o) => `${o.where}: ${o.message}: ${dependsOn}`),
    );
    notVerified.push(
      ...placement.short
        .filter((w) => fromUnrendered(w.message))
        .map((w) => `${w.workload}: ${w.message}: ${dependsOn}`),
    );
    const kept = objects.filter((o) => !(o.verdict === 'rejected' && fromUnrendered(o.message)));
    const short = placement.short.filter((w) => !fromUnrendered(w.message));
    const restartOperator = async (next: OperatorSetup) => {
      if (operator) {
        operator.stopped = true;
        await stop([operator.current]);
      }
      operator = await startOperator(kube, next, {
        dir,
        kubeconfig,
        component: components.postgresOperator,
        database,
        session,
        live: plane && { nodePid: plane.net.nodePid, kubeconfig: plane.kubeconfig, hostsFile: plane.proxy.hostsFile },
      });
    };
    let live: VerifyReport['live'];
    if (plane && operator) {
      log('live data plane: waiting for leaders, streaming replicas and base backups');
      const facts = await liveFacts(kube, plane, clusters, config, options.liveSeconds ?? 240);
      live = { clusters: facts, findings: [...plane.kubelet.problems, ...facts.flatMap(liveFindings)] };
      for (const f of facts)
        log(
          `${f.cluster}: leader ${f.leader ? `${f.leader.pod} (${f.leader.ip})` : 'none'}, ${f.streaming.length} streaming replica(s), ${f.backups?.count ?? 0} base backup(s), status ${f.status ?? 'none'}`,
        );
    }
    let monitoring: MonitoringFacts | undefined;
    if (plane && operator && site.monitoring) {
      const unbuilt = unbuiltMonitoring(site);
      if (unbuilt.length)
        notRun.push(`the live monitoring stack: ${unbuilt.join(', ')} not built: run npm run verify -- --build`);
      else {
        monitoring = await verifyMonitoring({
          site,
          kube,
          kubelet: plane.kubelet,
          net: plane.net,
          dir,
          objects: tree.objects.map((o) => o.obj),
          leaders: new Set(
            (live?.clusters ?? []).flatMap((f) => (f.leader ? [`${f.cluster.split('/')[0]}/${f.leader.pod}`] : [])),
          ),
          log,
        });
        notVerified.push(...monitoring.notVerified);
      }
    }
    // before the operations: what runs beside this run (a standby site replaying this site's archive, the tests' day-2
    // sequence) sees the site as synced, not after a failover or a roll
    if (options.live) {
      log('beside this run: its standby sites, or the day-2 sequence');
      await options.live({ kube, dir, tree, restartOperator, fakeRoles: !plane, plane });
    }
    let operations: OperationOutcome[] | undefined;
    const all = options.operations === 'all';
    const asked = all ? LIVE_OPERATIONS.filter((op) => !BY_NAME_ONLY[op]) : (options.operations ?? []);
    if (all && plane && operator)
      notVerified.push(
        ...LIVE_OPERATIONS.filter((op) => BY_NAME_ONLY[op]).map((op) => `operation ${op}: ${BY_NAME_ONLY[op]}`),
      );
    const unavailable = asked
      .map(
        (op) => [op, plane && operator ? operationUnavailable(tree, op) : 'the live data plane did not run'] as const,
      )
      .filter((x): x is readonly [LiveOperation, string] => x[1] !== undefined);
    (options.operations === 'all' ? notVerified : notRun).push(
      ...unavailable.map(([op, why]) => `operation ${op}: ${why}`),
    );
    const wanted = asked.filter((op) => !unavailable.some(([u]) => u === op));
    if (plane && operator && wanted.length) {
      const current = operator;
      operations = await performOperations(
        {
          live: { kube, dir, tree, restartOperator, fakeRoles: false },
          plane,
          config,
          operatorLog: () => (operator ?? current).current.log,
          log,
        },
        wanted,
      );
    }
    // warn is the enforced level (PlatformNamespace): a Pod Security warning is a pod admission will refuse
    const podSecurityWarnings = [
      ...kept.flatMap((o) => o.warnings),
      ...(operator ? operatorWarnings(operator.current.log) : []),
    ].filter((w) => POD_SECURITY_WARNING.test(w));
    const ok =
      kept.every((o) => o.verdict !== 'rejected') &&
      placement.settled &&
      short.length === 0 &&
      placement.pods.every((p) => p.node) &&
      clusterObjects.every((c) => c.missing.length === 0) &&
      errors.length === 0 &&
      assertions.every((a) => a.ok) &&
      podSecurityWarnings.length === 0 &&
      notRun.length === 0 &&
      (live?.findings.length ?? 0) === 0 &&
      (operations ?? []).every((o) => o.ok) &&
      (monitoring?.findings.length ?? 0) === 0;
    report = {
      site: site.name,
      kubernetes: release,
      nodes: nodes.length,
      objects: kept,
      notVerified,
      notRun,
      clusters: clusterObjects,
      operatorErrors: errors,
      operatorCrashes: operator?.crashes ?? [],
      operatorWarnings: operator ? operatorWarnings(operator.current.log) : [],
      pods: placement.pods,
      short,
      settled: placement.settled,
      assertions,
      live,
      operations,
      monitoring,
      seconds: (Date.now() - started) / 1000,
      ok,
    };
  } catch (e) {
    // a stop that fails once the run failed (after an abort its processes were killed under it: a request's
    // `read ECONNRESET`) must not hide why it failed
    await stopAll().catch(() => undefined);
    throw whyFailed(e);
  }
  await stopAll().catch((e: unknown) => {
    throw whyFailed(e);
  });
  return report;
}

/** A StorageClass the site says its cluster provides (externalStorageClasses), as a stand-in. */
const externalClass = (name: string): KubeObject => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: {
    name,
    annotations: { 'verify.pg-gitops/stand-in': "the site's externalStorageClasses: the cluster has it" },
  },
  provisioner: 'verify.pg-gitops/external',
  volumeBindingMode: 'WaitForFirstConsumer',
});
