import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { SiteTree } from '../../check/findings';
import { asArray, asRecord } from '../../core/records';
import { operatorPromotesByManifest, PATRONI_PROMOTION } from '../../components/postgres-operator/standby-promotion';
import { catalogOf } from '../../site/catalog';
import type { PostgresClusterSpec, Site } from '../../site/model';
import { clusterNamespace } from '../../site/resolve';
import { renderSiteManifests } from '../../synth/render';
import { formatDay2, syncTo, type LiveSite } from '../day2';
import { until, type Kube } from '../kube';
import { configData, operatorSetup } from '../operator';
import { verifySite, type VerifyOptions, type VerifyReport } from '../run';
import type { DataPlane } from './data-plane';
import { members } from './members';
import { liveUnsupported } from './data-plane';
import type { Exec } from './network';
import type { RunningPod } from './pods';
import { podPsql as psql } from './sql';
import type { StandbyFacts } from './standby-facts';

/**
 * Cross-site standbys, live (docs/verify.md, "Cross-site standbys"): a site whose clusters are standbys of another
 * site's runs beside that site, two control planes side by side. The standby site's whole verify runs inside the
 * primary site's run, once the primary's facts hold (a leader, a base backup in its S3 store). The standby's
 * `s3Endpoint` (an address of the primary's site) is made in the standby's nodes' namespace and relayed to the
 * primary's S3 store in the primary's nodes' namespace (through a socket of the run's folder): nothing else reaches
 * either. Then, on the running system: a row written on the primary, its WAL segment archived, is read on the standby
 * (replayed), and the promotion docs/operations.md describes (the Patroni step where the site's operator needs it,
 * then the standby section removed from the site, rendered and synced as ArgoCD would) leaves it writable (promoted).
 */

const standbysOf = (site: Site): PostgresClusterSpec[] => site.postgres.clusters.filter((c) => c.standby);

/** The primary site a standby site runs beside: the site of its first standby's primary. */
const primarySiteOf = (site: Site): string | undefined => standbysOf(site)[0]?.standby?.site;

/**
 * Which runs verify makes: the sites asked for, a standby site's primary site added when live; a standby site whose
 * primary runs live is run inside the primary's run (`inside`), not on its own.
 */
export function standbyRuns(
  sites: readonly Site[],
  all: readonly Site[],
  live: boolean,
): { readonly runs: readonly Site[]; readonly inside: ReadonlyMap<string, readonly Site[]> } {
  const inside = new Map<string, Site[]>();
  const runs = [...sites];
  if (!live) return { runs, inside };
  for (const site of sites) {
    const primary = all.find((s) => s.name === primarySiteOf(site));
    if (!primary || liveUnsupported(primary) || liveUnsupported(site)) continue;
    inside.set(primary.name, [...(inside.get(primary.name) ?? []), site]);
    if (!runs.includes(primary)) runs.splice(runs.indexOf(site), 0, primary);
  }
  const nested = new Set([...inside.values()].flat());
  return { runs: runs.filter((s) => !nested.has(s)), inside };
}

/** The standbys of a site's run that is not beside its primary's: none established, and why. */
export function unprovenStandbys(site: Site, why: string): StandbyFacts[] {
  return standbysOf(site).map((c) => ({
    cluster: `${clusterNamespace(c)}/${c.name}`,
    primarySite: c.standby!.site,
    replayed: null,
    promoted: null,
    problems: [why],
  }));
}

/** The running leader pod of a cluster (Patroni labels it master), as the kubelet stand-in runs it. */
async function leaderPod(
  kube: Kube,
  plane: DataPlane,
  tree: SiteTree,
  pg: PostgresClusterSpec,
): Promise<RunningPod | undefined> {
  const setup = operatorSetup(tree.objects);
  const config = setup ? configData(setup.configMap) : {};
  const masters = (await members(kube, config, clusterNamespace(pg), pg.name)).filter((m) => m.role === 'master');
  const uids = new Set(masters.map((m) => m.uid));
  return [...plane.kubelet.pods.values()].find((p) => uids.has(p.uid) && p.program.exited === undefined);
}

/** Run `argv` in the pod with its container's environment, as `kubectl exec` does. */
const kubectlExec = (plane: DataPlane, pod: RunningPod, argv: readonly string[]): Promise<Exec> =>
  plane.kubelet.exec(pod, ['env', ...Object.entries(pod.env).map(([k, v]) => `${k}=${v}`), ...argv]);

const failed = (r: Exec): string => (r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ');

/** The site with each standby of `primarySite`'s clusters changed by `change`. */
const withStandbys = (
  site: Site,
  primarySite: string,
  change: (pg: PostgresClusterSpec) => PostgresClusterSpec,
): Site => ({
  ...site,
  postgres: {
    ...site.postgres,
    clusters: site.postgres.clusters.map((c) => (c.standby?.site === primarySite ? change(c) : c)),
  },
});

const treeOf = (site: Site, peers: readonly Site[]): SiteTree => ({
  site,
  objects: renderSiteManifests(
    site,
    peers.map((p) => (p.name === site.name ? site : p)),
  ).objects,
});

/**
 * Verify a standby site beside its primary site's running verify (`primary`, from its `live` hook): its report, with
 * `standbys`, failed unless every standby of the primary's clusters replayed and was promoted.
 */
export async function verifyStandbySite(
  primary: LiveSite,
  site: Site,
  peers: readonly Site[],
  options: Pick<VerifyOptions, 'keep' | 'log' | 'signal'>,
): Promise<VerifyReport> {
  const log = options.log ?? (() => undefined);
  const primarySite = primary.tree.site;
  const pairs = standbysOf(site)
    .filter((c) => c.standby!.site === primarySite.name)
    .map((standby) => ({
      standby,
      primary: primarySite.postgres.clusters.find((c) => c.name === standby.standby!.cluster),
    }));
  const facts = new Map(
    pairs.map(({ standby }) => [
      standby.name,
      {
        cluster: `${clusterNamespace(standby)}/${standby.name}`,
        primarySite: primarySite.name,
        replayed: null as boolean | null,
        promoted: null as boolean | null,
        problems: [] as string[],
      },
    ]),
  );
  const result = (report: VerifyReport): VerifyReport => {
    const standbys: StandbyFacts[] = [
      ...facts.values(),
      ...unprovenStandbys(site, 'its primary is on another site than the one this run ran beside').filter(
        (f) => f.primarySite !== primarySite.name,
      ),
    ];
    return {
      ...report,
      standbys,
      ok: report.ok && standbys.every((f) => f.replayed === true && f.promoted === true),
    };
  };
  const plane = primary.plane;
  const store = plane?.s3();
  if (!plane || !store || store.https || pairs.some((p) => !p.primary)) {
    const why = !plane
      ? `site ${primarySite.name}'s live data plane did not run`
      : !store
        ? `site ${primarySite.name} runs no S3 store the live data plane stands in for`
        : store.https
          ? `site ${primarySite.name}'s S3 store speaks HTTPS: a standby reading it needs its CA, which the standby's env does not carry yet`
          : `a primary cluster is missing from site ${primarySite.name}`;
    for (const f of facts.values()) f.problems.push(why);
    return result(await verifySite(treeOf(site, peers), { ...options, dataPlane: true }));
  }

  // the standby names the primary's live uid, as the site file's `uid` tells users to take it
  const uids = new Map<string, string>();
  for (const { standby, primary: pg } of pairs) {
    const cr = await primary.kube.get(
      `/apis/acid.zalan.do/v1/namespaces/${clusterNamespace(pg!)}/postgresqls/${pg!.name}`,
    );
    uids.set(standby.name, String(asRecord(cr?.metadata).uid));
  }
  const liveSite = withStandbys(site, primarySite.name, (c) => ({
    ...c,
    standby: { ...c.standby!, uid: uids.get(c.name)! },
  }));
  const liveTree = treeOf(liveSite, peers);

  // what a reader of the primary's bucket gets at deploy time: its keys and, encrypted, the primary's backup key
  const credentials: Record<string, string> = {
    AWS_ACCESS_KEY_ID: store.accessKey,
    AWS_SECRET_ACCESS_KEY: store.secretKey,
  };
  const keySecret = primarySite.postgres.backups?.encryptionKeySecret;
  if (keySecret) {
    const secret = await primary.kube.get(
      `/api/v1/namespaces/${clusterNamespace(pairs[0].primary!)}/secrets/${keySecret}`,
    );
    const key = asRecord(secret?.data).WALG_LIBSODIUM_KEY;
    if (typeof key === 'string') credentials.WALG_LIBSODIUM_KEY = Buffer.from(key, 'base64').toString('utf8');
  }
  const endpoints = [
    ...new Map(
      pairs.map(({ standby }) => {
        const url = new URL(standby.standby!.s3Endpoint);
        const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
        return [`${url.hostname}:${port}`, { host: url.hostname, port }];
      }),
    ).values(),
  ];

  const peer: VerifyOptions['peer'] = {
    started: async (own, session, dir) => {
      for (const { host, port } of endpoints) {
        const socket = join(dir, `s3-${host}-${port}.sock`);
        const logFile = join(dir, 'standby-relays.log');
        // the primary's side: its S3 Service, in its nodes' namespace
        session.start(
          `relay to ${primarySite.name}'s S3 store`,
          'nsenter',
          [
            `--net=/proc/${plane.net.nodePid}/ns/net`,
            '--',
            'socat',
            `UNIX-LISTEN:${socket},fork`,
            `TCP:${store.ip}:${store.port}`,
          ],
          logFile,
        );
        // the standby's side: the declared address, in its own nodes' namespace
        await own.net.addServiceAddress(host);
        session.start(
          `${host}:${port} of site ${primarySite.name}`,
          'nsenter',
          [
            `--net=/proc/${own.net.nodePid}/ns/net`,
            '--',
            'socat',
            `TCP-LISTEN:${port},bind=${host},fork,reuseaddr`,
            `UNIX-CONNECT:${socket},retry=20,interval=0.5`,
          ],
          logFile,
        );
        log(
          `${host}:${port} (site ${primarySite.name}'s s3Endpoint) relayed to its S3 store ${store.service}.${store.namespace}.svc (${store.ip}:${store.port})`,
        );
      }
    },
    afterWave: async (kube) => {
      for (const { standby } of pairs) {
        const ns = clusterNamespace(standby);
        if (!(await kube.get(`/api/v1/namespaces/${ns}`))) continue;
        await kube.send('POST', `/api/v1/namespaces/${ns}/secrets`, {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: standby.standby!.credentialsSecret, namespace: ns },
          stringData: credentials,
        });
      }
    },
  };

  const live = async (own: LiveSite): Promise<void> => {
    const ownPlane = own.plane;
    if (!ownPlane) {
      for (const f of facts.values()) f.problems.push(`site ${site.name}'s live data plane did not run`);
      return;
    }
    for (const { standby, primary: pg } of pairs) {
      const f = facts.get(standby.name)!;
      const source = await leaderPod(primary.kube, plane, primary.tree, pg!);
      const target = await leaderPod(own.kube, ownPlane, own.tree, standby);
      if (!source || !target) {
        f.problems.push(
          `no running leader pod of ${source ? `${site.name}'s standby` : `${primarySite.name}'s primary`} ${standby.name}`,
        );
        continue;
      }
      const marker = randomBytes(6).toString('hex');
      const wrote = await psql(
        plane,
        source,
        `create table if not exists verify_standby (marker text primary key); insert into verify_standby values ('${marker}')`,
      );
      // committed first: the switch closes the segment holding the commit, which the archive then gets at once
      const switched = wrote.status === 0 ? await psql(plane, source, 'select pg_switch_wal()') : wrote;
      if (switched.status !== 0) {
        f.problems.push(`writing the marker row on ${primarySite.name}'s ${pg!.name}: ${failed(switched)}`);
        continue;
      }
      const started = Date.now();
      f.replayed =
        (await until(
          240,
          async () => {
            const r = await psql(ownPlane, target, `select count(*) from verify_standby where marker = '${marker}'`);
            return r.status === 0 && r.stdout.trim() === '1' ? true : undefined;
          },
          2000,
        )) ?? false;
      if (!f.replayed)
        f.problems.push(
          `the row written on ${primarySite.name}'s ${pg!.name} (WAL segment archived) was not read on the standby in 240 s`,
        );
      else
        log(
          `${f.cluster}: replayed the marker row written on ${primarySite.name} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
        );
      const readOnly = await psql(ownPlane, target, `insert into verify_standby values ('standby-${marker}')`);
      if (readOnly.status === 0) f.problems.push(`${f.cluster}: a write succeeded on the standby before its promotion`);
    }

    // the promotion as docs/operations.md says: Patroni first where the operator does not promote, then the commit
    const operator = catalogOf(site).versions.postgresOperator;
    if (!operatorPromotesByManifest(operator))
      for (const { standby } of pairs) {
        const target = await leaderPod(own.kube, ownPlane, own.tree, standby);
        const r = target ? await kubectlExec(ownPlane, target, PATRONI_PROMOTION) : undefined;
        if (!r || r.status !== 0)
          facts
            .get(standby.name)!
            .problems.push(
              `${PATRONI_PROMOTION.join(' ')} in ${standby.name}'s leader pod: ${r ? failed(r) : 'no leader pod'}`,
            );
        else
          log(
            `${standby.name}: ${PATRONI_PROMOTION.join(' ')} (postgres-operator ${operator} does not promote by itself)`,
          );
      }
    const promotedSite = withStandbys(liveSite, primarySite.name, (c) => {
      const { standby: _removed, ...rest } = c;
      return rest;
    });
    const synced = await syncTo(own, own.tree, treeOf(promotedSite, peers), 120);
    log(formatDay2(`promotion: the standby section removed from site ${site.name}`, synced));
    for (const { standby } of pairs) {
      const f = facts.get(standby.name)!;
      const ns = clusterNamespace(standby);
      let last = '';
      f.promoted =
        (await until(
          240,
          async () => {
            const sts = await own.kube.get(`/apis/apps/v1/namespaces/${ns}/statefulsets/${standby.name}`);
            const env = asArray(
              asRecord(asArray(asRecord(asRecord(asRecord(sts?.spec).template).spec).containers)[0]).env,
            );
            if (env.some((e) => String(asRecord(e).name).startsWith('STANDBY_'))) {
              last = 'its StatefulSet still has STANDBY_ environment';
              return undefined;
            }
            const target = await leaderPod(own.kube, ownPlane, own.tree, standby);
            if (!target) {
              last = 'no running leader pod';
              return undefined;
            }
            const r = await psql(
              ownPlane,
              target,
              `select pg_is_in_recovery(); create table verify_promoted (at timestamptz); insert into verify_promoted values (now()); select count(*) from verify_promoted`,
            );
            last = r.status === 0 ? r.stdout.trim().replace(/\n/g, ' ') : failed(r);
            return r.status === 0 && /^f\s+1$/.test(r.stdout.trim()) ? true : undefined;
          },
          3000,
        )) ?? false;
      if (!f.promoted) f.problems.push(`${f.cluster} was not writable 240 s after its promotion: ${last}`);
      else log(`${f.cluster}: promoted, out of recovery, a write succeeded`);
    }
  };

  log(
    `verifying site ${site.name} beside ${primarySite.name}: its standby(s) ${pairs.map((p) => p.standby.name).join(', ')}`,
  );
  return result(await verifySite(liveTree, { ...options, dataPlane: true, peer, live }));
}
