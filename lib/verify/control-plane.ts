import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  binaryPath,
  cloned,
  componentsFor,
  fromGit,
  isBuilt,
  type Component,
  type VerifyComponents,
} from './components';
import type { Site } from '../site/model';
import { Kube, until } from './kube';
import { kubeconfig, makePki, type Pki } from './pki';
import { freePort, stop, tail, type Started } from './processes';
import { kubernetesServiceIp } from './live/network';
import type { Session } from './session';

/** A running throwaway control plane on loopback, in its own temp folder. */
export interface ControlPlane {
  readonly dir: string;
  readonly kube: Kube;
  readonly pki: Pki;
  readonly kubeconfig: string;
  readonly programs: Started[];
  /** Seconds until the API server was ready. */
  readonly startSeconds: number;
}

/** The etcd of Debian's etcd-server package, or the one on PATH. */
function findEtcd(): string | undefined {
  const out = spawnSync('sh', ['-c', 'command -v etcd'], { encoding: 'utf8' });
  return out.status === 0 ? out.stdout.trim() : undefined;
}

const ETCD_MISSING =
  "etcd is needed by npm run verify: install Debian/Ubuntu's etcd-server package (apt-get install etcd-server) or put an etcd 3.4+ binary on PATH";

/** What is missing to verify a site: one line each. */
export function missingComponents(site: Site): string[] {
  const unbuilt = componentsFor(site)
    .filter((c) => !isBuilt(c) && !unavailable(c))
    .map((c) =>
      cloned(c)
        ? `${c.id} is not built: its source is cloned, its build failed (see .build/tools/${c.id}.log): run npm run verify -- --build`
        : `${c.id} is not built: run npm run verify -- --build`,
    );
  return [...(findEtcd() ? [] : [ETCD_MISSING]), ...unbuilt];
}

/**
 * A git-sourced component whose repository could not be cloned here (see `fromGit`); one cloned whose build failed is
 * missing.
 */
const unavailable = (c: Component): boolean => !isBuilt(c) && fromGit(c) && !cloned(c);

/**
 * The git-sourced components of a site that could not be cloned: verify runs without them and says what it did not
 * check.
 */
export const unavailableComponents = (site: Site): Component[] => componentsFor(site).filter(unavailable);

async function ready(kube: Kube, seconds: number, programs: readonly Started[]): Promise<boolean> {
  const ok = await until(seconds, async () => {
    if (programs.some((p) => p.exited !== undefined)) return false;
    const r = await kube.send('GET', '/readyz');
    return r.status === 200 ? true : undefined;
  });
  return ok === true;
}

function failed(p: Started, what: string): Error {
  return new Error(
    `${what}: ${p.name} ${p.exited === undefined ? 'is not ready' : `exited (${p.exited})`}; its log (${p.log}) ends with:\n${tail(p)}`,
  );
}

/**
 * From 1.32 (1.33 aside) the API server turns a watch from resourceVersion 0 into a watch stream
 * (the WatchList feature, sendInitialEvents), which needs etcd's progress requests: Debian's
 * etcd-server 3.4.23 has none, so every such watch fails ("the required storage feature
 * RequestWatchProgress is disabled"). kwok's pod and node informers watch from 0: they then saw a
 * scheduled pod only when they relisted, on client-go's backoff (up to 30 s apart), so a Spilo pod
 * turned Running tens of seconds late and the operator's readiness wait outlasted verify's (lab's
 * 3-instance StatefulSet). Without the feature the API server serves those watches as before 1.32.
 */
function watchListOff(kubernetes: Component): string[] {
  const minor = Number(/^kubernetes-v1\.(\d+)\./.exec(kubernetes.id)?.[1]);
  return minor >= 32 ? ['--feature-gates=WatchList=false'] : [];
}

/**
 * Start etcd, kube-apiserver (Pod Security admission on, RBAC), kube-controller-manager,
 * kube-scheduler and kwok for a site's Kubernetes version; every port is a free loopback port.
 */
export async function startControlPlane(
  dir: string,
  components: VerifyComponents,
  serviceSubnet: string,
  podSubnet: string,
  session: Session,
): Promise<ControlPlane> {
  const started = Date.now();
  const etcd = findEtcd();
  if (!etcd) throw new Error(ETCD_MISSING);
  const { kubernetes, kwok } = components;
  const bin = (c: Component, name: string) => binaryPath(c, name);
  const pki = makePki(dir, kubernetesServiceIp(serviceSubnet));
  const programs: Started[] = [];
  const log = (name: string) => join(dir, `${name}.log`);
  try {
    const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    mkdirSync(join(dir, 'etcd'));
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    programs.push(
      session.start(
        'etcd',
        etcd,
        [
          '--name',
          'verify',
          '--data-dir',
          join(dir, 'etcd'),
          '--listen-client-urls',
          etcdUrl,
          '--advertise-client-urls',
          etcdUrl,
          '--listen-peer-urls',
          peerUrl,
          '--initial-advertise-peer-urls',
          peerUrl,
          '--initial-cluster',
          `verify=${peerUrl}`,
          '--unsafe-no-fsync',
          '--log-level',
          'warn',
        ],
        log('etcd'),
        { ETCD_UNSUPPORTED_ARCH: process.arch === 'arm64' ? 'arm64' : '' },
      ),
    );
    const server = `https://127.0.0.1:${apiPort}`;
    const config = join(dir, 'kubeconfig');
    writeFileSync(config, kubeconfig(pki, server));
    programs.push(
      session.start(
        'kube-apiserver',
        bin(kubernetes, 'kube-apiserver'),
        [
          '--etcd-servers',
          etcdUrl,
          '--bind-address',
          '127.0.0.1',
          '--advertise-address',
          '127.0.0.1',
          '--secure-port',
          String(apiPort),
          '--tls-cert-file',
          pki.serverCert,
          '--tls-private-key-file',
          pki.serverKey,
          '--client-ca-file',
          pki.ca,
          '--service-account-key-file',
          pki.saPub,
          '--service-account-signing-key-file',
          pki.saKey,
          '--service-account-issuer',
          'https://kubernetes.default.svc',
          '--service-cluster-ip-range',
          serviceSubnet,
          '--authorization-mode',
          'Node,RBAC',
          '--enable-admission-plugins',
          'NodeRestriction,PodSecurity',
          '--allow-privileged=true',
          '--profiling=false',
          '--v=1',
          ...watchListOff(kubernetes),
        ],
        log('kube-apiserver'),
      ),
    );
    const kube = new Kube(server, pki);
    if (!(await ready(kube, 60, programs)))
      throw failed(
        programs.find((p) => p.exited !== undefined) ?? programs[1],
        'the API server did not become ready in 60 s',
      );
    const startSeconds = (Date.now() - started) / 1000;
    programs.push(
      session.start(
        'kube-controller-manager',
        bin(kubernetes, 'kube-controller-manager'),
        [
          '--kubeconfig',
          config,
          '--leader-elect=false',
          '--secure-port=0',
          '--service-account-private-key-file',
          pki.saKey,
          '--root-ca-file',
          pki.ca,
          '--use-service-account-credentials=false',
          '--cluster-cidr',
          podSubnet,
          '--service-cluster-ip-range',
          serviceSubnet,
          '--concurrent-statefulset-syncs=10',
          '--v=1',
        ],
        log('kube-controller-manager'),
      ),
    );
    programs.push(
      session.start(
        'kube-scheduler',
        bin(kubernetes, 'kube-scheduler'),
        ['--kubeconfig', config, '--leader-elect=false', '--secure-port=0', '--v=1'],
        log('kube-scheduler'),
      ),
    );
    programs.push(
      session.start(
        'kwok',
        bin(kwok, 'kwok'),
        [
          '--kubeconfig',
          config,
          '--manage-all-nodes=false',
          '--manage-nodes-with-annotation-selector',
          'kwok.x-k8s.io/node=fake',
          '--cidr',
          podSubnet,
          '--node-ip',
          '127.0.0.1',
          '--config',
          bin(kwok, kwok.asset?.into ?? ''),
        ],
        log('kwok'),
      ),
    );
    // the service-account controller's `default` account is what every pod needs first
    const sa = await until(30, async () =>
      programs.some((p) => p.exited !== undefined)
        ? false
        : (await kube.get('/api/v1/namespaces/default/serviceaccounts/default')) && true,
    );
    const dead = programs.find((p) => p.exited !== undefined);
    if (dead) throw failed(dead, 'the control plane did not start');
    if (!sa) throw failed(programs[2], 'the controller manager made no default service account in 30 s');
    return { dir, kube, pki, kubeconfig: config, programs, startSeconds };
  } catch (e) {
    await stop(programs);
    throw e;
  }
}

export const stopControlPlane = (cp: ControlPlane): Promise<void> => stop(cp.programs);
