import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../../core/objects';
import { asArray, asRecord } from '../../core/records';
import { catalogOf } from '../../site/catalog';
import type { Site } from '../../site/model';
import {
  binaryPath,
  isBuilt,
  monitoringComponents,
  postgresExporterComponent,
  TOOLS_DIR,
  versitygwComponent,
  walgComponent,
  type Component,
} from '../components';
import type { Kube } from '../kube';
import type { Session } from '../session';
import { startPodNetwork, type PodNetwork } from './network';
import { Kubelet, type ImageRuntime, type SidecarRuntime } from './pods';
import { buildSpilo, builtSpilo, spiloWalg, type SpiloImage } from './spilo-image';
import { provisionClaims, startS3, storePlan, type S3Store } from './s3';
import { ServiceProxy } from './services';
import { kubeconfig, type Pki } from '../pki';

/**
 * The live data plane of a verify run: the pod network and the kubelet stand-in running the site's Spilo pods for
 * real (lib/verify/live/pods.ts).
 */
export interface DataPlane {
  readonly net: PodNetwork;
  readonly kubelet: Kubelet;
  readonly spilo: SpiloImage;
  readonly proxy: ServiceProxy;
  /** A kubeconfig for programs in the nodes' namespace (the operator): the API server at the kubernetes Service. */
  readonly kubeconfig: string;
  /** The S3 store, once its namespace is synced (undefined before, or for a site without one). */
  readonly s3: () => S3Store | undefined;
  /**
   * After each wave: start the S3 store once its namespace exists, and give the deploy-time Secrets the values the
   * docs tell users to put there (the store's keys in the pods' environment Secret).
   */
  readonly afterWave: (config: Record<string, string>, clusters: readonly KubeObject[]) => Promise<void>;
  /**
   * Before the operator starts: the deploy-time Secrets of its infrastructure roles (`infrastructure_roles_secrets`),
   * with a random password under the key it names, as the deploy-time render step makes them.
   */
  readonly beforeOperator: (config: Record<string, string>) => Promise<void>;
  /** What the live data plane does not run or check for these clusters, one line each (said, never dropped). */
  readonly notCovered: (clusters: readonly KubeObject[]) => string[];
  readonly stop: () => Promise<void>;
}

/** The Spilo tag of a site's train (and `versions:` overrides). */
const spiloTag = (site: Site): string => catalogOf(site).versions.spilo;

/** The Go components of a site's live data plane: WAL-G of its Spilo tag, versitygw (none if unsupported here). */
export function liveComponents(site: Site): Component[] {
  if (liveUnsupported(site)) return [];
  try {
    const monitoring = monitoringComponents(site);
    return [
      walgComponent(spiloWalg(spiloTag(site))),
      versitygwComponent(),
      exporterComponent(site),
      ...(monitoring ? [monitoring.operator, monitoring.prometheus, monitoring.alertmanager] : []),
    ];
  } catch (e) {
    // Spilo's source is git only: where it is unreachable the live data plane is NOT RUN (liveUnavailable says why),
    // except in CI, where it fails the build
    if (process.env.CI === 'true') throw e;
    console.warn(`warning: ${e instanceof Error ? e.message : String(e)}`);
    return [];
  }
}

const exporterComponent = (site: Site): Component =>
  postgresExporterComponent(catalogOf(site).versions.postgresExporter);

const walgBinary = (site: Site): string => binaryPath(walgComponent(spiloWalg(spiloTag(site))), 'wal-g');

/** The PostgreSQL majors a site's clusters run. */
const majorsOf = (site: Site): string[] => [...new Set((site.postgres?.clusters ?? []).map((c) => c.version))].sort();

/**
 * Why the live data plane cannot run this site's clusters yet (not a failure of the site: said in the report as not
 * verified), or undefined. The Spilo layer runs the host's PostgreSQL (Debian 12: 15); majors 17 and 18 need a Debian
 * 13 root and Spilo 4's Patroni 4, not built yet.
 */
export function liveUnsupported(site: Site): string | undefined {
  const missing = majorsOf(site).filter((m) => !existsSync(`/usr/lib/postgresql/${m}/bin/postgres`));
  return missing.length
    ? `PostgreSQL ${missing.join(', ')} is not installed on this host (the live data plane runs Spilo ${spiloTag(site)} on the host's PostgreSQL; Debian 12 has 15, and a Debian 13 root for 17 and 18 is not built yet): the live facts (leader, replicas, backups, clients) are not checked`
    : undefined;
}

/** What keeps the live data plane from running here (a NOT RUN: the run fails), or undefined. */
export function liveUnavailable(site: Site): string | undefined {
  if (process.getuid?.() !== 0)
    return 'the live data plane needs root (network and mount namespaces, overlay mounts): run verify as root, or pass --no-live';
  if (!builtSpilo(spiloTag(site))) return `Spilo ${spiloTag(site)} is not built: run npm run verify -- --build`;
  return undefined;
}

/** Build what the live data plane of a site needs beyond the Go components: the Spilo layer of its tag. */
export function buildLiveImages(site: Site, log: (line: string) => void): void {
  const tag = spiloTag(site);
  if (liveUnsupported(site) || builtSpilo(tag) || liveComponents(site).length === 0) return;
  if (!existsSync(walgBinary(site))) return;
  const file = join(TOOLS_DIR, `spilo-${tag}.log`);
  log(`building the Spilo ${tag} layer (Spilo's scripts, Patroni from PyPI, locale; about 1 min; log: ${file}) ...`);
  const started = Date.now();
  buildSpilo(tag, catalogOf(site).versions.spiloMajor, walgBinary(site), file);
  log(`built Spilo ${tag} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

export async function startDataPlane(args: {
  readonly site: Site;
  readonly kube: Kube;
  readonly session: Session;
  readonly dir: string;
  readonly apiPort: number;
  readonly caFile: string;
  readonly pki: Pki;
  readonly serviceSubnet: string;
  readonly objects: readonly KubeObject[];
  readonly log: (line: string) => void;
}): Promise<DataPlane> {
  const { site, kube, session, dir, log } = args;
  const tag = spiloTag(site);
  const spilo = builtSpilo(tag);
  if (!spilo) throw new Error(`Spilo ${tag} is not built: run npm run verify -- --build`);
  const net = await startPodNetwork(session, dir, site.kubernetes.podSubnet, args.serviceSubnet, args.apiPort);
  const podsKubeconfig = join(dir, 'kubeconfig-pods');
  writeFileSync(podsKubeconfig, kubeconfig(args.pki, `https://${net.kubernetesIp}:443`));
  const runtimes: ImageRuntime[] = [
    {
      name: `spilo ${tag}`,
      matches: (image) => /\/spilo-\d+:/.test(image) && image.endsWith(`:${tag}`),
      layer: join(spilo.dir, 'layer'),
      env: spilo.env,
      command: ['/bin/sh', '/launch.sh', 'init'],
      adjustEnv: (env) => withPreload(env, spilo.preload),
    },
  ];
  const plan = storePlan(args.objects);
  let s3: S3Store | undefined;
  // Spilo waits for its store: WAL-G hangs on an unreachable one (replica creation tries it first)
  const exporter = exporterComponent(site);
  const sidecars: SidecarRuntime[] = isBuilt(exporter)
    ? [
        {
          name: `postgres_exporter ${catalogOf(site).versions.postgresExporter}`,
          matches: (image) => /\/postgres-exporter:/.test(image),
          command: [binaryPath(exporter, 'postgres_exporter')],
        },
      ]
    : [];
  const kubelet: Kubelet = new Kubelet(
    kube,
    session,
    net,
    dir,
    { images: runtimes, sidecars },
    args.caFile,
    log,
    () => !plan || s3 !== undefined,
    // the proxy is made next; the kubelet asks for its hosts only once started
    () => proxy.serviceHosts,
  );
  const proxy: ServiceProxy = new ServiceProxy(
    kube,
    session,
    net,
    dir,
    () => kubelet.ips,
    () => kubelet.refreshHosts(),
  );
  proxy.start();
  await proxy.tick();
  kubelet.start();
  const afterWave = async (config: Record<string, string>, clusters: readonly KubeObject[]) => {
    if (plan && !s3 && (await kube.get(`/api/v1/namespaces/${plan.namespace}`))) {
      s3 = await startS3({ plan, kube, session, net, dir, ca: readFileSync(args.caFile) });
      log(
        `S3 store: versitygw for ${s3.what} at ${s3.service}.${s3.namespace}.svc (${s3.ip}:${s3.port}), buckets ${s3.buckets.join(', ')}`,
      );
    }
    if (s3 && plan) {
      await fillPodEnvironmentSecrets(kube, config, clusters, s3);
      await provisionClaims(kube, plan, s3);
    }
    await backupKeys(kube, site, clusters);
  };
  log(
    `live data plane: pod network up (gateway ${net.gateway}), kubelet stand-in runs ${runtimes.map((r) => r.name).join(', ')}`,
  );
  return {
    net,
    kubelet,
    spilo,
    s3: () => s3,
    afterWave,
    proxy,
    kubeconfig: podsKubeconfig,
    beforeOperator: (config) => infrastructureRoleSecrets(kube, config),
    notCovered: (clusters) => [
      ...Object.entries(spilo.missingPreload).map(
        ([lib, why]) => `Spilo ${tag} runs without preloading ${lib}: ${why}`,
      ),
      ...(plan || clusters.length === 0
        ? []
        : [
            'the S3 store: this site renders no MinIO Tenant nor Rook CephObjectStore, the stores the live data plane stands in for: backups are not checked',
          ]),
      ...clusters.flatMap((c) => {
        const spec = asRecord(c.spec);
        const name = `${c.metadata.namespace ?? 'default'}/${c.metadata.name}`;
        return [
          ...(spec.enableConnectionPooler || spec.enableReplicaConnectionPooler
            ? [`${name}: its connection poolers run as kwok pods (pgbouncer does not run live yet)`]
            : []),
          ...asArray(spec.sidecars)
            .map(asRecord)
            .filter((sc) => !sidecars.some((r) => r.matches(String(sc.image))))
            .map(
              (sc) =>
                `${name}: its sidecar ${String(sc.name)} (${String(sc.image)}) does not run live${/\/postgres-exporter:/.test(String(sc.image)) ? `: ${exporter.id} is not built` : ''}`,
            ),
        ];
      }),
    ],
    stop: async () => {
      await proxy.stop();
      await kubelet.stop();
      net.close();
    },
  };
}

/**
 * SPILO_CONFIGURATION with Spilo's preload list minus the libraries this layer lacks (SpiloImage.missingPreload),
 * unless the cluster sets its own.
 */
export function withPreload(env: Record<string, string>, preload: string): Record<string, string> {
  const config = asRecord(JSON.parse(env.SPILO_CONFIGURATION || '{}'));
  const postgresql = asRecord(config.postgresql);
  const parameters = asRecord(postgresql.parameters);
  if ('shared_preload_libraries' in parameters) return env;
  const adjusted = {
    ...config,
    postgresql: { ...postgresql, parameters: { ...parameters, shared_preload_libraries: preload } },
  };
  return { ...env, SPILO_CONFIGURATION: JSON.stringify(adjusted) };
}

/**
 * The pods' environment Secret (`pod_environment_secret`) with the store's keys under the names docs/minio-backups.md
 * tells users to set: what the deploy-time render step puts there.
 */
async function fillPodEnvironmentSecrets(
  kube: Kube,
  config: Record<string, string>,
  clusters: readonly KubeObject[],
  s3: S3Store,
): Promise<void> {
  const name = config.pod_environment_secret;
  if (!name) return;
  for (const namespace of [...new Set(clusters.map((c) => c.metadata.namespace ?? 'default'))]) {
    const path = `/api/v1/namespaces/${namespace}/secrets/${name}`;
    const secret = await kube.get(path);
    if (!secret || asRecord(secret.data).AWS_ACCESS_KEY_ID) continue;
    const keys = { AWS_ACCESS_KEY_ID: s3.accessKey, AWS_SECRET_ACCESS_KEY: s3.secretKey };
    const stringData = { ...keys, ...Object.fromEntries(Object.entries(keys).map(([k, v]) => [`CLONE_${k}`, v])) };
    await kube.send('PATCH', path, { stringData }, 'application/merge-patch+json');
  }
}

/**
 * The backups' encryption key Secret (postgres.backups.encryptionKeySecret), as docs/minio-backups.md tells users to
 * create it: 32 random bytes in base64 as WALG_LIBSODIUM_KEY, in each cluster's namespace once it exists.
 */
async function backupKeys(kube: Kube, site: Site, clusters: readonly KubeObject[]): Promise<void> {
  const name = site.postgres?.backups?.encryptionKeySecret;
  if (!name) return;
  for (const namespace of [...new Set(clusters.map((c) => c.metadata.namespace ?? 'default'))]) {
    if (!(await kube.get(`/api/v1/namespaces/${namespace}`))) continue;
    await kube.send('POST', `/api/v1/namespaces/${namespace}/secrets`, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace },
      stringData: { WALG_LIBSODIUM_KEY: randomBytes(32).toString('base64') },
    });
  }
}

/**
 * `infrastructure_roles_secrets` of the operator's configuration (`secretname:<ns>/<name>,passwordkey:<key>,...` per
 * role, `;`-separated, as pkg/controller/util.go parses it): each Secret with a random password under its key and the
 * user under its `userkey` if it names one.
 */
async function infrastructureRoleSecrets(kube: Kube, config: Record<string, string>): Promise<void> {
  for (const entry of (config.infrastructure_roles_secrets ?? '').split(';').filter(Boolean)) {
    const fields = Object.fromEntries(
      entry.split(',').map((kv) => {
        const [k, ...v] = kv.split(':');
        return [k.trim(), v.join(':').trim()];
      }),
    );
    const [namespace, name] = String(fields.secretname ?? '').split('/');
    if (!namespace || !name) continue;
    const stringData: Record<string, string> = {
      [fields.passwordkey ?? 'password']: randomBytes(18).toString('base64url'),
    };
    if (fields.userkey) stringData[fields.userkey] = fields.defaultuservalue ?? name;
    await kube.send('POST', `/api/v1/namespaces/${namespace}/secrets`, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace },
      stringData,
    });
  }
}
