import type { MonitoringFacts } from './live/monitoring';
import type { VerifyReport } from './run';
import { standbyLine } from './live/standby-facts';

const isProbe = (owner: string) => owner.startsWith('Pod ') && owner.includes('/verify-probe-');

/**
 * The report of one verify run: every rejection verbatim, every pod's node or reason, the checks, a summary line last.
 */
export function formatReport(r: VerifyReport): string {
  const rejected = r.objects.filter((o) => o.verdict === 'rejected');
  const dryRun = r.objects.filter((o) => o.verdict === 'dry-run');
  const unschedulable = r.pods.filter((p) => !p.node);
  const placed = r.pods.filter((p) => p.node);
  const lines = [
    `verify ${r.site}: Kubernetes v${r.kubernetes}, ${r.nodes} kwok nodes`,
    `objects: ${r.objects.length - rejected.length - dryRun.length} accepted, ${dryRun.length} validated by dry-run only, ${rejected.length} rejected`,
    ...rejected.map((o) => `  REJECTED ${o.where}: ${o.message}`),
    ...dryRun.map((o) => `  dry-run  ${o.where}: ${o.message}`),
    ...r.objects.flatMap((o) => o.warnings.map((w) => `  warning  ${o.where}: ${w}`)),
    ...r.notVerified.map((n) => `  not verified: ${n}`),
    ...r.notRun.map((n) => `  NOT RUN ${n}`),
    `postgres-operator: ${r.clusters.length} cluster(s)`,
    ...r.clusters.map(
      (c) =>
        `  ${c.missing.length ? 'MISSING' : 'ok     '} ${c.cluster}${c.missing.length ? `: the operator did not create ${c.missing.join(', ')}` : ': StatefulSet, Services, Secrets and PodDisruptionBudget created'}`,
    ),
    ...r.operatorErrors.map((e) => `  operator error: ${e}`),
    ...r.operatorWarnings.map((w) => `  warning  on the operator's writes: ${w}`),
    ...r.operatorCrashes.map(
      (e) => `  warning  the operator exited and was restarted, as its pod would be (CrashLoopBackOff): ${e}`,
    ),
    `pods: ${placed.length} placed, ${unschedulable.length} unschedulable${r.settled ? '' : ' (placement did not settle in time)'}; probe pods stand in for the pods of operators that cannot run here (Rook, MinIO, Prometheus)`,
    ...r.pods.map((p) =>
      p.node
        ? `  ${p.pod} (${isProbe(p.owner) ? 'probe' : p.owner}) -> ${p.node}`
        : `  UNSCHEDULABLE ${p.pod} (${p.owner}): ${p.reason ?? 'not scheduled yet'}`,
    ),
    ...r.short.map((s) => `  NOT CREATED ${s.workload}: ${s.message}`),
    ...(r.live
      ? [
          'live data plane (Spilo pods running PostgreSQL and Patroni, the S3 store, Services to live endpoints):',
          ...r.live.clusters.map(
            (f) =>
              `  ${f.cluster}: leader ${f.leader ? `${f.leader.pod} (${f.leader.ip}), the master Service's endpoint${f.masterEndpoints.join() === f.leader.ip ? '' : ` NOT: [${f.masterEndpoints.join(', ')}]`}` : 'NONE'}; ` +
              `${f.streaming.length} of ${f.instances - 1} replica(s) streaming; ${f.backups ? `${f.backups.count} base backup(s)${f.backups.newest ? `, newest ${f.backups.newest}` : ''}` : 'backups not listed'}; ` +
              `clients ${f.clientAccess ? `${f.clientAccess.master ? 'ok' : 'FAILED'} (${f.clientAccess.checked.join(', ') || 'none'})${f.clientAccess.replicaRead === null ? '' : `, replica read ${f.clientAccess.replicaRead ? 'ok' : 'FAILED'}`}` : 'not checked'}; exporter ${f.missingMetrics === null ? 'not run' : `${f.exporterUp ? 'up' : 'NOT up'}, ${f.missingMetrics.length ? `MISSING ${f.missingMetrics.join(', ')}` : 'every queried metric served'}`}; status ${f.status ?? 'none'}`,
          ),
          ...r.live.findings.map((f) => `  FAIL ${f}`),
        ]
      : []),
    ...(r.operations
      ? [
          "day-2 operations performed live (as docs/operations.md shows them; the databases' own answers):",
          ...r.operations.map((o) =>
            o.ok
              ? `  ok   ${o.name} (${o.seconds.toFixed(0)} s): ${Object.entries(o.evidence)
                  .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join('+') || 'none' : String(v)}`)
                  .join(', ')}`
              : `  FAIL ${o.name} (${o.seconds.toFixed(0)} s): ${o.failure ?? ''}`,
          ),
        ]
      : []),
    ...(r.standbys?.length
      ? [
          'cross-site standbys (run beside their primary site: docs/verify.md):',
          ...r.standbys.flatMap((f) => [standbyLine(f), ...f.problems.map((p) => `    ${p}`)]),
        ]
      : []),
    ...(r.monitoring ? monitoringLines(r.monitoring) : []),
    'checks on the live objects:',
    ...r.assertions.map((a) => `  ${a.ok ? 'ok  ' : 'FAIL'} ${a.what}${a.detail ? `: ${a.detail}` : ''}`),
    `verify ${r.site} ${r.ok ? 'passed' : 'FAILED'}: ${r.objects.length - rejected.length} objects applied, ${placed.length} pods placed, ${rejected.length} rejections, ` +
      `${unschedulable.length + r.short.length} unschedulable or not created, ${r.operatorErrors.length + r.clusters.filter((c) => c.missing.length).length} operator errors, ` +
      `${r.assertions.filter((a) => !a.ok).length + (r.live?.findings.length ?? 0) + (r.operations ?? []).filter((o) => !o.ok).length + (r.standbys ?? []).filter((f) => f.replayed !== true || f.promoted !== true).length + (r.monitoring?.findings.length ?? 0)} failed checks, ${r.seconds.toFixed(1)} s`,
  ];
  return lines.join('\n');
}

/** The monitoring stack's lines: each monitor's targets, the alert fired, what failed. */
function monitoringLines(m: MonitoringFacts): string[] {
  return [
    'monitoring live (the real prometheus-operator, Prometheus and Alertmanager of the train):',
    ...m.monitors.map(
      (x) =>
        `  ${x.discovered ? 'ok  ' : x.expected ? 'FAIL' : '--  '} ${x.kind} ${x.namespace}/${x.name}: ${x.discovered} target(s) discovered, ${x.up} up${x.discovered ? '' : x.expected ? `, ${x.expected} expected` : ' (nothing it selects runs here)'}`,
    ),
    m.alertFired
      ? `  alert ${m.alertFired.name} fired and received by ${m.alertFired.receivedBy.join(', ')}: ${m.alertFired.how}`
      : '  no alert fired end to end',
    ...m.findings.map((f) => `  FAIL ${f}`),
  ];
}
