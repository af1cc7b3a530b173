import { join } from 'node:path';
import type { SiteTree } from '../../check/findings';
import { parseTree, type KubeObject } from '../../core/objects';
import { asRecord } from '../../core/records';
import { OPERATIONS, type Operation } from '../../operations/catalog';
import { operationSites, type RenderedSite } from '../../operations/run';
import { PROJECT_ROOT } from '../../upstream';
import { formatDay2, syncTo, type LiveSite } from '../day2';
import { until } from '../kube';
import { tailFile } from '../processes';
import type { DataPlane } from './data-plane';
import type { RunningPod } from './pods';
import { masterEndpoints, members, type Member } from './members';
import { password, psql, streamingMembers } from './sql';

/**
 * The runbook's day-2 operations performed on the live data plane, as a user performs them: the edit docs/operations.md
 * shows (lib/operations/catalog.ts), synth, the new tree synced as ArgoCD syncs it (lib/verify/day2.ts), then the real
 * operator and Patroni act, and the result is read off the databases themselves. Failover needs no edit: it is a loss.
 */
// scale last: its starting point joins a node, which stays registered (and labelled) after the edit is reverted
export const LIVE_OPERATIONS = [
  'failover-postgres',
  'failover-pod',
  'minor-upgrade',
  'point-in-time-recovery',
  'scale',
] as const;
export type LiveOperation = (typeof LIVE_OPERATIONS)[number];

/**
 * `--operations`' names, in order; without a list, `all`: each that the site allows. An unknown name is an error
 * naming the known ones.
 */
export function parseOperations(value: string | boolean | undefined): LiveOperation[] | 'all' {
  if (value === undefined || value === false) return [];
  if (value === true) return 'all';
  return value.split(',').map((name) => {
    const op = LIVE_OPERATIONS.find((o) => o === name.trim());
    if (!op)
      throw new Error(
        `--operations: unknown operation '${name}': the live operations are ${LIVE_OPERATIONS.join(', ')}`,
      );
    return op;
  });
}

/**
 * How long a rolling replacement may take: operator v1.9.0 gives up a roll whose switchover Patroni did not answer in
 * time (a loaded node) and takes it up again at its next repair scan (`repair_period`, 5 minutes), as a user's would.
 */
const ROLL_SECONDS = 420;

/**
 * Operations `--operations` alone leaves out (run them by name), with why: the minor upgrade's roll stalled past its
 * bound in one of three CI runs (operator v1.9.0 gave up the switchover and had not resumed at its repair scan).
 */
export const BY_NAME_ONLY: Readonly<Partial<Record<LiveOperation, string>>> = {
  'minor-upgrade':
    'run by name only (--operations minor-upgrade): operator v1.9.0 gives up a roll whose switchover Patroni does not answer in time, and in one of three CI runs it had not resumed within 7 minutes',
};

/** What an operation did, as verify's JSON report has it (`operations`). */
export interface OperationOutcome {
  readonly name: string;
  readonly ok: boolean;
  readonly seconds: number;
  /** Facts read off the running system: rows before and after, leaders, times. */
  readonly evidence: Readonly<Record<string, unknown>>;
  /** The step that failed, what was expected, what happened, and the logs' tail. */
  readonly failure?: string;
}

export interface OperationsContext {
  readonly live: LiveSite;
  readonly plane: DataPlane;
  readonly config: Record<string, string>;
  /** The operator's log file. */
  readonly operatorLog: () => string | undefined;
  readonly log: (line: string) => void;
}

/** A step that did not give what the docs promise. */
class StepFailed extends Error {
  constructor(
    readonly step: string,
    readonly expected: string,
    readonly happened: string,
  ) {
    super(`${step}: expected ${expected}; ${happened}`);
  }
}

/** A cluster the operations act on: its namespace, name, instance count and its superuser's password. */
interface Target {
  readonly ns: string;
  readonly name: string;
  readonly instances: number;
  readonly secret: string;
}

class Operations {
  private tree: SiteTree;
  constructor(private readonly ctx: OperationsContext) {
    this.tree = ctx.live.tree;
  }

  private get kube() {
    return this.ctx.live.kube;
  }

  /** The members as a failed step reports them: pod, IP, role. */
  async described(t: Target): Promise<string> {
    const all = await this.members(t);
    return `members: ${all.map((m) => `${m.pod} ${m.ip} ${m.role ?? 'no role'}`).join(', ') || 'none'}`;
  }

  /** The Spilo pods of a cluster, with Patroni's role label. */
  members(t: { ns: string; name: string }): Promise<Member[]> {
    return members(this.kube, this.ctx.config, t.ns, t.name);
  }

  /**
   * The leader: the master Service's only endpoint (Patroni writes it with the leader key), a pod labelled master, a
   * server out of recovery. A lost leader's pod keeps its master label until it is deleted: the endpoint decides.
   */
  async leader(t: Target): Promise<Member | undefined> {
    const ips = await masterEndpoints(this.kube, t.ns, t.name);
    if (ips.length !== 1) return undefined;
    const leader = (await this.members(t)).find((m) => m.role === 'master' && m.ip === ips[0]);
    return leader && (await this.sql(t, leader.ip, 'select pg_is_in_recovery()')) === 'f' ? leader : undefined;
  }

  /** One statement as the cluster's superuser on a host (a pod's or a Service's IP); its output, or undefined. */
  async sql(t: Target, host: string, statement: string): Promise<string | undefined> {
    const r = await psql(this.ctx.plane, { host, user: 'postgres', password: t.secret }, statement);
    return r.status === 0 ? r.stdout.trim() : undefined;
  }

  /** The same, failing the step when it does not answer. */
  async mustSql(t: Target, host: string, statement: string, step: string): Promise<string> {
    const r = await psql(this.ctx.plane, { host, user: 'postgres', password: t.secret }, statement, 30_000);
    if (r.status !== 0) throw new StepFailed(step, `\`${statement}\` to run on ${host}`, (r.stderr || r.stdout).trim());
    return r.stdout.trim();
  }

  async masterService(t: Target): Promise<string> {
    const ip = asRecord((await this.kube.get(`/api/v1/namespaces/${t.ns}/services/${t.name}`))?.spec).clusterIP;
    if (typeof ip !== 'string') throw new StepFailed('the master Service', `Service ${t.ns}/${t.name}`, 'none');
    return ip;
  }

  /**
   * `n` rows of one operation, committed through the master Service as a client writes, retried for 60 s as a client
   * retries a dropped connection (a switchover the operator still finishes); idempotent, so a retry of a write whose
   * commit was not acknowledged adds nothing.
   */
  async write(t: Target, op: string, n: number): Promise<void> {
    const statement = `create table if not exists verify_operations (op text, n int, at timestamptz default clock_timestamp()); insert into verify_operations (op, n) select '${op}', g from generate_series(1, ${n}) g where not exists (select 1 from verify_operations where op = '${op}')`;
    let error = '';
    const done = await until(
      60,
      async () => {
        const r = await psql(
          this.ctx.plane,
          { host: await this.masterService(t), user: 'postgres', password: t.secret },
          statement,
        );
        error = (r.stderr || r.stdout).trim();
        return r.status === 0 ? true : undefined;
      },
      1000,
    );
    if (!done)
      throw new StepFailed(
        `write ${n} rows (${op}) through the master Service`,
        'the write to commit within 60 s',
        error,
      );
  }

  async count(t: Target, host: string, op: string): Promise<number | undefined> {
    const out = await this.sql(t, host, `select count(*) from verify_operations where op = '${op}'`);
    return out === undefined ? undefined : Number(out);
  }

  /**
   * The rows of an operation as a client reads them, once `host` answers with `expected` rows (a Service relay follows
   * its Endpoints within a second or two; a replica replays within seconds): the count last read, or the error.
   */
  async rowsAt(t: Target, host: string, op: string, expected: number, seconds = 30): Promise<number | string> {
    let last: number | string = 'no answer';
    await until(
      seconds,
      async () => {
        const r = await psql(
          this.ctx.plane,
          { host, user: 'postgres', password: t.secret },
          `select count(*) from verify_operations where op = '${op}'`,
        );
        last = r.status === 0 ? Number(r.stdout.trim()) : (r.stderr || r.stdout).trim();
        return last === expected ? true : undefined;
      },
      1000,
    );
    return last;
  }

  /** The cluster's members streaming from the leader (none when it does not answer). */
  async streaming(t: Target, leader: Member): Promise<string[]> {
    const r = await streamingMembers(
      this.ctx.plane,
      { host: leader.ip, user: 'postgres', password: t.secret },
      (await this.members(t)).map((m) => m.pod),
    );
    return 'streaming' in r ? r.streaming : [];
  }

  /** The cluster back whole: a leader and every other instance streaming from it, within `seconds`. */
  async whole(t: Target, seconds: number, step: string): Promise<{ leader: Member; streaming: string[] }> {
    const r = await until(
      seconds,
      async () => {
        const leader = await this.leader(t);
        if (!leader) return undefined;
        const streaming = await this.streaming(t, leader);
        return streaming.length === t.instances - 1 ? { leader, streaming } : undefined;
      },
      1000,
    );
    if (!r) {
      throw new StepFailed(
        step,
        `a leader and ${t.instances - 1} streaming replica(s) within ${seconds} s`,
        await this.described(t),
      );
    }
    return r;
  }

  running(t: { ns: string }, pod: string): RunningPod | undefined {
    return [...this.ctx.plane.kubelet.pods.values()].find((p) => p.name === pod && p.namespace === t.ns);
  }

  /** A rendered site as a tree to sync. */
  static treeOf(r: RenderedSite): SiteTree {
    return { site: r.site, objects: parseTree(r.site.name, r.dist) };
  }

  /** Sync the live cluster to a tree (as ArgoCD syncs a commit); fails the step when the operator's objects differ. */
  async syncTo(to: SiteTree, step: string, seconds = 90): Promise<void> {
    const r = await syncTo(this.ctx.live, this.tree, to, seconds);
    this.tree = to;
    const rejected = r.objects.filter((o) => o.verdict === 'rejected');
    if (rejected.length || r.assertions.some((a) => !a.ok))
      throw new StepFailed(step, 'every object accepted and the operator to act', formatDay2(step, r));
  }

  /** The operation's edit of docs/operations.md, rendered before and after; `edit` adapts it to this run's cluster. */
  async rendered(
    id: string,
    edit: (op: Operation) => Operation = (op) => op,
  ): Promise<{ before: SiteTree; after: SiteTree }> {
    const op = OPERATIONS.find((o) => o.id === id);
    if (!op) throw new Error(`no operation ${id} in lib/operations/catalog.ts`);
    const { before, after } = await operationSites(edit(op), PROJECT_ROOT);
    if ('error' in after) throw new StepFailed(`synth of ${id}'s edit`, 'synth to accept it', after.error);
    return { before: Operations.treeOf(before), after: Operations.treeOf(after) };
  }

  /**
   * SIGKILL the leader's PostgreSQL (the postmaster): its Patroni still holds the leader key, so Patroni restarts it
   * (crash recovery) or, should it not come back, a replica takes over. Either way: one leader, no committed row lost,
   * the replicas streaming again.
   */
  async failoverPostgres(t: Target): Promise<Record<string, unknown>> {
    const { leader } = await this.whole(t, 180, 'before: the cluster whole');
    await this.write(t, 'failover-postgres', 100);
    const dataDir = await this.mustSql(t, leader.ip, 'show data_directory', 'the data directory');
    const started = await this.mustSql(t, leader.ip, 'select pg_postmaster_start_time()', 'the start time');
    const pod = this.running(t, leader.pod);
    if (!pod) throw new StepFailed('find the leader pod', `${leader.pod} run by the stand-in`, 'not run');
    const t0 = Date.now();
    const killed = await this.ctx.plane.kubelet.exec(pod, [
      'sh',
      '-c',
      `kill -KILL "$(head -1 '${dataDir}/postmaster.pid')"`,
    ]);
    if (killed.status !== 0)
      throw new StepFailed('SIGKILL the postmaster', 'kill to succeed', killed.stderr.trim() || String(killed.status));
    const back = await until(
      120,
      async () => {
        const l = await this.leader(t);
        if (!l) return undefined;
        const now = await this.sql(t, l.ip, 'select pg_postmaster_start_time()');
        return l.pod !== leader.pod || (now && now !== started) ? l : undefined;
      },
      1000,
    );
    if (!back)
      throw new StepFailed(
        'recovery',
        'a leader serving again (its PostgreSQL restarted by Patroni, or a promoted replica) within 120 s',
        'none',
      );
    const recovered = (Date.now() - t0) / 1000;
    const rows = await this.rowsAt(t, await this.masterService(t), 'failover-postgres', 100);
    if (rows !== 100) throw new StepFailed('rows after', '100 rows through the master Service', String(rows));
    const { streaming } = await this.whole(t, 120, 'after: the replicas streaming again');
    return {
      leaderBefore: leader.pod,
      leaderAfter: back.pod,
      restartedInPlace: back.pod === leader.pod,
      recoveredAfterSeconds: Math.round(recovered),
      rowsWritten: 100,
      rowsAfter: rows,
      streaming,
    };
  }

  /**
   * SIGKILL the leader's whole pod, as a node losing power: nothing releases the leader key, so a replica is promoted
   * once Patroni's `ttl` expires; the master Service follows; then the lost pod is deleted (as its node's eviction or
   * `kubectl delete pod --force` does), the StatefulSet makes it again and it rejoins as a replica.
   */
  async failoverPod(t: Target): Promise<Record<string, unknown>> {
    const { leader } = await this.whole(t, 180, 'before: the cluster whole');
    await this.write(t, 'failover-pod', 100);
    const pod = this.running(t, leader.pod);
    if (!pod) throw new StepFailed('find the leader pod', `${leader.pod} run by the stand-in`, 'not run');
    const t0 = Date.now();
    await this.ctx.plane.kubelet.crash(pod);
    // the lost pod is deleted (as its node's eviction or `kubectl delete pod --force` does) once a replica took over,
    // or when the operation fails, so that the next one starts from a whole cluster
    let deleted = false;
    const deleteLost = async () => {
      deleted = true;
      await this.kube.send('DELETE', `/api/v1/namespaces/${t.ns}/pods/${leader.pod}?gracePeriodSeconds=0`);
    };
    try {
      const promoted = await until(
        120,
        async () => {
          const l = await this.leader(t);
          return l && l.pod !== leader.pod ? l : undefined;
        },
        1000,
      );
      if (!promoted) {
        throw new StepFailed(
          'promotion',
          `a replica promoted (the master Service's endpoint, labelled master, out of recovery) within 120 s of losing ${leader.pod}`,
          await this.described(t),
        );
      }
      const promotedAfter = (Date.now() - t0) / 1000;
      const rows = await this.rowsAt(t, await this.masterService(t), 'failover-pod', 100);
      if (rows !== 100)
        throw new StepFailed('rows after', '100 rows through the master Service (the new leader)', String(rows));
      const t1 = Date.now();
      await deleteLost();
      const { streaming } = await this.whole(t, 180, `the old leader ${leader.pod} rejoining as a replica`);
      const rejoined = (await this.members(t)).find((m) => m.pod === leader.pod);
      const rowsThere = rejoined ? await this.rowsAt(t, rejoined.ip, 'failover-pod', 100) : 'not a member';
      if (rowsThere !== 100)
        throw new StepFailed('the rejoined replica', `the 100 rows on ${leader.pod}`, String(rowsThere));
      return {
        oldLeader: leader.pod,
        newLeader: promoted.pod,
        promotedAfterSeconds: Math.round(promotedAfter),
        rowsWritten: 100,
        rowsOnNewLeader: rows,
        rejoinedAsReplica: leader.pod,
        rejoinedAfterSeconds: Math.round((Date.now() - t1) / 1000),
        streaming,
      };
    } finally {
      if (!deleted) await deleteLost();
    }
  }

  /**
   * docs/operations.md's minor upgrade, the Spilo image bump: the operator restarts with the new `docker_image` and rolls
   * every pod, replicas first, with one switchover; no committed row is lost. The new tag's Spilo source is not among
   * the sources here: its pods run the current tag's layer (said in the evidence), so what is proven is the operator's
   * rolling replacement and Patroni's switchover, not the new image's content.
   */
  async minorUpgrade(t: Target): Promise<Record<string, unknown>> {
    const { before, after } = await this.rendered('minor-upgrade');
    const [from, to] = [dockerImage(before), dockerImage(after)];
    if (!from || !to || from === to)
      throw new StepFailed('the edit', "a new docker_image in the operator's ConfigMap", `${from} -> ${to}`);
    this.ctx.plane.kubelet.standIn(to, from);
    const { leader } = await this.whole(t, 180, 'before: the cluster whole');
    await this.write(t, 'minor-upgrade', 100);
    const old = new Map((await this.members(t)).map((p) => [p.pod, p.uid]));
    await this.syncTo(before, "sync the operation's starting point");
    await this.syncTo(after, `sync docker_image ${from} -> ${to}`, 120);
    // leaders as they change, and when each pod is replaced, while the operator rolls
    const leaders = [leader.pod];
    const replaced: string[] = [];
    const t0 = Date.now();
    const done = await until(
      ROLL_SECONDS,
      async () => {
        const l = await this.leader(t);
        if (l && l.pod !== leaders.at(-1)) leaders.push(l.pod);
        const pods = await this.members(t);
        for (const p of pods) if (old.get(p.pod) !== p.uid && !replaced.includes(p.pod)) replaced.push(p.pod);
        if (pods.length !== t.instances || pods.some((p) => p.image !== to || old.get(p.pod) === p.uid))
          return undefined;
        return l && (await this.streaming(t, l)).length === t.instances - 1 ? l : undefined;
      },
      1000,
    );
    if (!done)
      throw new StepFailed(
        'the rolling replacement',
        `every pod re-created with ${to}, a leader and ${t.instances - 1} streaming replica(s) within ${ROLL_SECONDS} s`,
        `replaced: ${replaced.join(', ') || 'none'}; leaders seen: ${leaders.join(' -> ')}`,
      );
    const rows = await this.rowsAt(t, await this.masterService(t), 'minor-upgrade', 100);
    if (rows !== 100) throw new StepFailed('rows after', '100 rows through the master Service', String(rows));
    if (replaced.at(-1) !== leader.pod)
      throw new StepFailed(
        'the order',
        `the replicas replaced first, the old primary ${leader.pod} last`,
        `replaced in order ${replaced.join(', ')}`,
      );
    if (leaders.length !== 2)
      throw new StepFailed('switchovers', 'one switchover', `leaders seen: ${leaders.join(' -> ')}`);
    const rolled = Math.round((Date.now() - t0) / 1000);
    // back to the site as it is (the edit reverted: the operator rolls the pods back), so the next operation starts
    // from a quiet cluster
    const t1 = Date.now();
    const upgraded = new Map((await this.members(t)).map((p) => [p.pod, p.uid]));
    await this.syncTo(before, `revert docker_image to ${from}`, 120);
    const back = await until(
      ROLL_SECONDS,
      async () => {
        const pods = await this.members(t);
        if (pods.length !== t.instances || pods.some((p) => p.image !== from || upgraded.get(p.pod) === p.uid))
          return undefined;
        const l = await this.leader(t);
        return l && (await this.streaming(t, l)).length === t.instances - 1 ? l : undefined;
      },
      1000,
    );
    if (!back)
      throw new StepFailed(
        'the revert',
        `every pod back on ${from}, a leader and ${t.instances - 1} streaming replica(s) within ${ROLL_SECONDS} s`,
        await this.described(t),
      );
    return {
      from,
      to,
      standIn: `Spilo ${to.split(':').pop()}'s source is not available here: its pods ran ${from.split(':').pop()}'s layer`,
      replacedInOrder: replaced,
      leaders,
      rowsAfter: rows,
      rolledInSeconds: rolled,
      revertedInSeconds: Math.round((Date.now() - t1) / 1000),
    };
  }

  /** docs/operations.md's scale: numberOfInstances 2 → 3 (a new replica streams, with the data), and back. */
  async scale(t: Target): Promise<Record<string, unknown>> {
    const { before, after } = await this.rendered('scale');
    const grown = Number(asRecord(clusterIn(after, t)?.spec).numberOfInstances);
    await this.whole(t, 180, 'before: the cluster whole');
    await this.write(t, 'scale', 50);
    const old = new Set((await this.members(t)).map((m) => m.pod));
    await this.syncTo(before, "sync the operation's starting point");
    await this.syncTo(after, `sync numberOfInstances ${t.instances} → ${grown}`, 120);
    const bigger = { ...t, instances: grown };
    const t0 = Date.now();
    const { streaming } = await this.whole(bigger, 180, `the new replica streaming (${grown} instances)`);
    const added = (await this.members(t)).find((m) => !old.has(m.pod));
    if (!added) throw new StepFailed('the new pod', 'a pod the cluster did not have', 'none');
    const rows = await this.rowsAt(t, added.ip, 'scale', 50);
    if (rows !== 50) throw new StepFailed('the data on the new replica', `50 rows on ${added.pod}`, String(rows));
    const grewIn = (Date.now() - t0) / 1000;
    await this.syncTo(before, `sync numberOfInstances ${grown} → ${t.instances}`, 120);
    const back = await this.whole(t, 120, `back to ${t.instances} instances`);
    const left = await until(60, async () =>
      (await this.members(t)).some((m) => m.pod === added.pod) ? undefined : true,
    );
    if (!left) throw new StepFailed('scale down', `${added.pod} removed`, 'still there');
    return {
      from: t.instances,
      to: grown,
      added: added.pod,
      streamingGrown: streaming,
      rowsOnNewReplica: rows,
      streamingAfterSeconds: Math.round(grewIn),
      streamingBack: back.streaming,
    };
  }

  /**
   * docs/operations.md's point-in-time recovery: write A, note the time, write B; the documented clone at that time,
   * with the source's real uid, holds A and not B.
   */
  async pointInTimeRecovery(t: Target): Promise<Record<string, unknown>> {
    await this.whole(t, 180, 'before: the cluster whole');
    const cr = await this.kube.get(`/apis/acid.zalan.do/v1/namespaces/${t.ns}/postgresqls/${t.name}`);
    const uid = String(asRecord(cr?.metadata).uid);
    await this.write(t, 'pitr-A', 10);
    // the clone's timestamp has a precision of seconds: strictly after A's commit, strictly before B's
    await new Promise((r) => setTimeout(r, 2000 - (Date.now() % 1000)));
    const at = new Date(Math.floor(Date.now() / 1000) * 1000);
    const timestamp = `${at.toISOString().slice(0, 19)}+00:00`;
    await new Promise((r) => setTimeout(r, 1500));
    await this.write(t, 'pitr-B', 10);
    // B's WAL archived, so that recovery finds a commit past the target (and stops there); on the leader of now
    const leader = await until(60, () => this.leader(t), 1000);
    if (!leader)
      throw new StepFailed(
        'the leader after the writes',
        "a leader (the master Service's endpoint) within 60 s",
        await this.described(t),
      );
    const segment = await this.mustSql(
      t,
      leader.ip,
      'select pg_walfile_name(pg_switch_wal())',
      'switch WAL (archive the segment holding B)',
    );
    const archived = await until(
      60,
      async () => {
        const last = await this.sql(t, leader.ip, 'select last_archived_wal from pg_stat_archiver');
        return last && last >= segment ? last : undefined;
      },
      1000,
    );
    if (!archived) throw new StepFailed('archive', `WAL segment ${segment} archived to S3 within 60 s`, 'not archived');
    const { before, after } = await this.rendered('point-in-time-recovery', (op) => ({
      ...op,
      change: op.change.map((e) => ({
        ...e,
        to: e.to.replace(/uid: '[^']*'/, `uid: '${uid}'`).replace(/timestamp: '[^']*'/, `timestamp: '${timestamp}'`),
      })),
    }));
    const clone = after.objects
      .map((o) => o.obj)
      .find((o) => o.kind === 'postgresql' && asRecord(asRecord(o.spec).clone).uid === uid);
    if (!clone) throw new StepFailed('the edit', `a cluster cloning uid ${uid}`, 'none in the rendered tree');
    await this.syncTo(before, "sync the operation's starting point");
    await this.syncTo(after, `sync the clone ${clone.metadata.name} at ${timestamp}`, 120);
    const secret = await until(120, () => password(this.kube, this.ctx.config, t.ns, clone.metadata.name, 'postgres'));
    const target: Target = { ns: t.ns, name: clone.metadata.name, instances: 1, secret: secret ?? t.secret };
    const t0 = Date.now();
    // the clone runs with the source's roles (restored) until the operator syncs them: either password may hold
    const ready = await until(
      300,
      async () => {
        for (const s of [target.secret, t.secret]) {
          const x = { ...target, secret: s };
          const l = await this.leader(x);
          if (l) return { leader: l, as: x };
        }
        return undefined;
      },
      2000,
    );
    if (!ready)
      throw new StepFailed(
        'the clone',
        `${clone.metadata.name} restored and serving within 300 s`,
        tailFile(this.podLog(t, `${clone.metadata.name}-0`), 20),
      );
    const a = await this.count(ready.as, ready.leader.ip, 'pitr-A');
    const b = await this.count(ready.as, ready.leader.ip, 'pitr-B');
    if (a !== 10 || b !== 0)
      throw new StepFailed(
        'the clone at the time',
        `A's 10 rows and none of B's in ${clone.metadata.name}`,
        `${a} of A, ${b} of B`,
      );
    const restored = (Date.now() - t0) / 1000;
    // the clone is the operator's to delete (its CR is protected from pruning): done on purpose, as the docs say
    await this.kube.send('DELETE', `/apis/acid.zalan.do/v1/namespaces/${t.ns}/postgresqls/${clone.metadata.name}`);
    return {
      source: `${t.ns}/${t.name}`,
      uid,
      targetTime: timestamp,
      clone: clone.metadata.name,
      rowsA: a,
      rowsB: b,
      restoredAfterSeconds: Math.round(restored),
    };
  }

  podLog(t: { ns: string }, pod: string): string | undefined {
    const p = this.running(t, pod);
    return p ? join(p.dir, 'pod.log') : undefined;
  }

  /** The logs' tail for a failed step: the operator's and each pod's of the cluster (Patroni and PostgreSQL write there). */
  async logs(t: Target): Promise<string> {
    const pods = [...this.ctx.plane.kubelet.pods.values()].filter(
      (p) => p.namespace === t.ns && p.name.startsWith(`${t.name}-`),
    );
    return [
      `postgres-operator:\n${tailFile(this.ctx.operatorLog())}`,
      ...pods.map((p) => `pod ${p.namespace}/${p.name}:\n${tailFile(join(p.dir, 'pod.log'))}`),
    ].join('\n');
  }
}

const clusterIn = (tree: SiteTree, t: { ns: string; name: string }): KubeObject | undefined =>
  tree.objects
    .map((o) => o.obj)
    .find((o) => o.kind === 'postgresql' && o.metadata.name === t.name && (o.metadata.namespace ?? 'default') === t.ns);

/** The Spilo image of the operator's ConfigMap (`docker_image`) in a tree. */
const dockerImage = (tree: SiteTree): string | undefined =>
  tree.objects
    .map((o) => asRecord(o.obj.data).docker_image)
    .find((image): image is string => typeof image === 'string');

/** The site's example cluster for the operations: the first with replicas (and, for a clone, backups). */
function targetOf(tree: SiteTree): KubeObject | undefined {
  return tree.objects
    .map((o) => o.obj)
    .find((o) => o.kind === 'postgresql' && Number(asRecord(o.spec).numberOfInstances ?? 1) > 1);
}

/** Why an operation cannot run on this site's live run (undefined: it can). */
export function operationUnavailable(tree: SiteTree, name: LiveOperation): string | undefined {
  if (!targetOf(tree)) return 'the site has no postgresql cluster with replicas';
  if (name === 'scale' || name === 'point-in-time-recovery' || name === 'minor-upgrade') {
    const shownOn = OPERATIONS.find((o) => o.id === name)?.site ?? 'poc';
    if (shownOn !== tree.site.name)
      return `docs/operations.md shows its edit on the site ${shownOn}: run it there (npm run verify -- --site ${shownOn} --operations)`;
  }
  return undefined;
}

/** Perform the operations in order on the live run; each one's outcome (a failed one does not stop the next). */
export async function performOperations(
  ctx: OperationsContext,
  names: readonly LiveOperation[],
): Promise<OperationOutcome[]> {
  const ops = new Operations(ctx);
  const cluster = targetOf(ctx.live.tree);
  if (!cluster) return [];
  const ns = cluster.metadata.namespace ?? 'default';
  const name = cluster.metadata.name;
  const secret = await password(ctx.live.kube, ctx.config, ns, name, 'postgres');
  const t: Target = { ns, name, instances: Number(asRecord(cluster.spec).numberOfInstances), secret: secret ?? '' };
  const run: Record<LiveOperation, () => Promise<Record<string, unknown>>> = {
    'failover-postgres': () => ops.failoverPostgres(t),
    'failover-pod': () => ops.failoverPod(t),
    'minor-upgrade': () => ops.minorUpgrade(t),
    scale: () => ops.scale(t),
    'point-in-time-recovery': () => ops.pointInTimeRecovery(t),
  };
  const outcomes: OperationOutcome[] = [];
  for (const [i, op] of names.entries()) {
    const started = Date.now();
    ctx.log(`operation ${i + 1} of ${names.length}: ${op} on ${ns}/${name}`);
    try {
      const evidence = await run[op]();
      const seconds = (Date.now() - started) / 1000;
      ctx.log(`operation ${op}: ok in ${seconds.toFixed(0)} s ${JSON.stringify(evidence)}`);
      outcomes.push({ name: op, ok: true, seconds, evidence });
    } catch (e) {
      const seconds = (Date.now() - started) / 1000;
      const failure =
        e instanceof StepFailed
          ? `step "${e.step}": expected ${e.expected}\n  happened: ${e.happened}\n${await ops.logs(t)}`
          : `${e instanceof Error ? e.message : String(e)}\n${await ops.logs(t)}`;
      ctx.log(`operation ${op}: FAILED after ${seconds.toFixed(0)} s`);
      outcomes.push({ name: op, ok: false, seconds, evidence: {}, failure });
    }
  }
  return outcomes;
}
