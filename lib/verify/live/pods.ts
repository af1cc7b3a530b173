import { chownSync, chmodSync, existsSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../../core/objects';
import { asArray, asRecord, isRecord } from '../../core/records';
import { until, type Kube } from '../kube';
import { killGroup, stop, type Started } from '../processes';
import type { Session } from '../session';
import { expand, resolveEnv } from './env';
import { execute, innerPid, type Exec, type PodNetwork } from './network';

/** An image the stand-in can run: its layer (the pod's upper directory), its ENV and CMD. */
export interface ImageRuntime {
  readonly name: string;
  readonly matches: (image: string) => boolean;
  readonly layer: string;
  readonly env: Readonly<Record<string, string>>;
  readonly command: readonly string[];
  /** What the image's environment needs changed for what runs here (said in the report). */
  readonly adjustEnv?: (env: Record<string, string>) => Record<string, string>;
  /** Its command does the work of the pod's init containers first: their volumes are mounted too. */
  readonly runsInitContainers?: boolean;
}

/** A sidecar image the stand-in runs beside a pod's first container: a program of the pod (its namespaces and root). */
export interface SidecarRuntime {
  readonly name: string;
  readonly matches: (image: string) => boolean;
  /** The image's entrypoint, as a binary of the host (visible in the pod's root, the host's overlaid). */
  readonly command: readonly string[];
}

/** A pod the stand-in runs, and what became of it. */
export interface RunningPod {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly ip: string;
  readonly node: string;
  readonly runtime: string;
  readonly program: Started;
  readonly dir: string;
  /** The container's user, group and supplementary groups, and PATH (what `exec` runs with). */
  readonly user: {
    readonly uid: number;
    readonly gid: number;
    readonly groups: readonly number[];
    readonly path: string;
  };
  /** The container's environment, as it started (what `kubectl exec` runs with). */
  readonly env: Readonly<Record<string, string>>;
  /** unshare's pid: the owner of the pod's namespaces, parent of its first process. */
  pid?: number;
  /** Its sidecar containers' programs. */
  readonly sidecars: Started[];
}

const POD_INIT = join(__dirname, 'pod-init.sh');

/**
 * verify's kubelet stand-in: of the pods the scheduler bound to kwok's nodes (kwok gives them their IP and Running
 * phase), those whose first container runs an image it knows it runs for real as processes, with the pod's IP, env,
 * volumes (a PersistentVolumeClaim is a folder of the run that outlives its pods), service account token and user; a
 * pod deleted or re-created is stopped and started again as a kubelet would. Every other pod stays kwok's.
 */
export class Kubelet {
  readonly pods = new Map<string, RunningPod>();
  /** What a kubelet would report as a pod that cannot start (a missing Secret key, a volume it cannot mount). */
  private readonly waiting = new Map<string, readonly string[]>();
  private readonly failures = new Set<string>();
  /** Images whose content is not available here, run with the layer of another (said in the report). */
  private readonly standIns = new Map<string, ImageRuntime>();
  /** Pods killed as a lost node kills them: not started again until their pod object is deleted. */
  private readonly lost = new Set<string>();
  /**
   * What keeps pods from starting now (a kubelet retries: a Secret may come later) and what failed, one line each.
   */
  get problems(): string[] {
    return [...this.failures, ...[...this.waiting.values()].flat()];
  }
  /** Images added once the run reaches the phase that starts them (addImages). */
  private readonly later: ImageRuntime[] = [];
  private timer?: NodeJS.Timeout;
  private busy = false;
  private interfaces = 0;
  private stopped = false;

  constructor(
    private readonly kube: Kube,
    private readonly session: Session,
    private readonly net: PodNetwork,
    private readonly dir: string,
    private readonly runtimes: {
      readonly images: readonly ImageRuntime[];
      readonly sidecars: readonly SidecarRuntime[];
    },
    private readonly caFile: string,
    private readonly log: (line: string) => void,
    /** Pods start only once this holds (what they need is up). */
    private readonly ready: () => boolean,
    /** The Services' lines of a hosts file (lib/verify/live/services.ts). */
    private readonly serviceHosts: () => string,
  ) {}

  /** Rewrite every running pod's /etc/hosts in place (a Service was created). */
  refreshHosts(): void {
    for (const p of this.pods.values())
      if (p.program.exited === undefined)
        writeFileSync(join(p.dir, 'hosts'), hostsText(p.ip, p.name, this.serviceHosts()));
  }

  /** Run the pods of these images too from now on (a later phase of the run: lib/verify/live/monitoring.ts). */
  addImages(images: readonly ImageRuntime[]): void {
    this.later.push(...images);
  }

  /** The IPs of the pods it runs. */
  get ips(): ReadonlySet<string> {
    return new Set([...this.pods.values()].map((p) => p.ip));
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), 1000);
  }

  private async tick(): Promise<void> {
    if (this.busy || this.stopped || !this.ready()) return;
    this.busy = true;
    try {
      const pods = await this.kube.list('/api/v1/pods');
      const wanted: [Record<string, unknown>, ImageRuntime][] = [];
      for (const pod of pods) {
        const meta = asRecord(pod.metadata);
        const spec = asRecord(pod.spec);
        const status = asRecord(pod.status);
        const image = String(asRecord(asArray(spec.containers)[0]).image);
        const runtime =
          [...this.runtimes.images, ...this.later].find((r) => r.matches(image)) ?? this.standIns.get(image);
        if (!runtime || meta.deletionTimestamp || !spec.nodeName || typeof status.podIP !== 'string') continue;
        wanted.push([pod, runtime]);
      }
      const seen = new Set(wanted.map(([pod]) => String(asRecord(pod.metadata).uid)));
      for (const uid of this.lost) if (!seen.has(uid)) this.lost.delete(uid);
      // deleted pods stop first, as a kubelet's do before their replacement (same name, often the same IP and claim)
      // starts: two PostgreSQL servers never share a volume
      for (const [uid, running] of this.pods)
        if (!seen.has(uid) || running.program.exited !== undefined) {
          if (running.program.exited === undefined)
            this.log(`pod ${running.namespace}/${running.name} deleted: stopping it`);
          this.pods.delete(uid);
          await stop([running.program], 20_000);
        }
      const busyNames = new Set([...this.pods.values()].map((p) => `${p.namespace}/${p.name}`));
      for (const [pod, runtime] of wanted) {
        const meta = asRecord(pod.metadata);
        const uid = String(meta.uid);
        if (this.pods.has(uid) || this.lost.has(uid) || busyNames.has(`${String(meta.namespace)}/${String(meta.name)}`))
          continue;
        await this.run(pod, runtime);
      }
    } catch (e) {
      if (!this.session.over) this.failures.add(`kubelet stand-in: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.busy = false;
    }
  }

  private async run(pod: Record<string, unknown>, runtime: ImageRuntime): Promise<void> {
    const meta = asRecord(pod.metadata);
    const spec = asRecord(pod.spec);
    const status = asRecord(pod.status);
    const namespace = String(meta.namespace);
    const name = String(meta.name);
    const uid = String(meta.uid);
    const ip = String(status.podIP);
    const container = asRecord(asArray(spec.containers)[0]);
    const dir = join(this.dir, 'pods', `${namespace}_${name}_${uid.slice(0, 8)}`);
    for (const d of ['work', 'root', 'volumes']) mkdirSync(join(dir, d), { recursive: true });
    // the layer with its owners and modes (cp -a), as the image's files are
    const copied = await execute('cp', ['-a', runtime.layer, join(dir, 'upper')]);
    if (copied.status !== 0)
      throw new Error(`pod ${namespace}/${name}: copying the ${runtime.name} layer: ${copied.stderr}`);
    const securityContext = { ...asRecord(spec.securityContext), ...asRecord(container.securityContext) };
    const fsGroup = asRecord(spec.securityContext).fsGroup;
    const user = Number(securityContext.runAsUser ?? 0);
    const group = Number(securityContext.runAsGroup ?? 0);
    const groups = [group, ...imageGroups(runtime.layer, user), ...(typeof fsGroup === 'number' ? [fsGroup] : [])];
    // the volumes of every container the stand-in runs (the sidecars share the pod's mount namespace)
    const containers = asArray(spec.containers).map(asRecord);
    const sidecars = containers
      .slice(1)
      .map((c) => ({ container: c, runtime: this.runtimes.sidecars.find((r) => r.matches(String(c.image))) }))
      .filter((c): c is { container: Record<string, unknown>; runtime: SidecarRuntime } => c.runtime !== undefined);
    const mounts: [string, string][] = [];
    const inits = runtime.runsInitContainers ? asArray(spec.initContainers).map(asRecord) : [];
    for (const c of [container, ...inits, ...sidecars.map((x) => x.container)])
      for (const m of await this.volumes(pod, c, dir, typeof fsGroup === 'number' ? fsGroup : undefined))
        if (!mounts.some(([, t]) => t === m[1])) mounts.push(m);
    // /etc/hosts: the pod's name and every Service's (rewritten in place as Services come: refreshHosts)
    writeFileSync(join(dir, 'hosts'), hostsText(ip, name, this.serviceHosts()));
    mounts.push([join(dir, 'hosts'), '/etc/hosts']);
    writeFileSync(join(dir, 'mounts'), mounts.map(([s, t]) => `${s} ${t}\n`).join(''));
    writeFileSync(join(dir, 'upper', 'etc', 'hostname'), `${name}\n`);
    const resolved = await resolveEnv(this.kube, pod as unknown as KubeObject, container);
    // CreateContainerConfigError: tried again next tick
    if (resolved.problems.length > 0) {
      this.waiting.set(uid, resolved.problems);
      return;
    }
    this.waiting.delete(uid);
    const base: Record<string, string> = {
      ...runtime.env,
      HOSTNAME: name,
      KUBERNETES_SERVICE_HOST: this.net.kubernetesIp,
      KUBERNETES_SERVICE_PORT: '443',
      KUBERNETES_SERVICE_PORT_HTTPS: '443',
      ...resolved.env,
      VERIFY_SESSION: this.session.id,
    };
    const env = runtime.adjustEnv ? runtime.adjustEnv(base) : base;
    // the container's command and args with their `$(VAR)` references expanded, as a kubelet does
    const command = [
      ...(Array.isArray(container.command)
        ? container.command.map((a) => expand(String(a), resolved.env))
        : runtime.command),
      ...(Array.isArray(container.args) ? container.args.map((a) => expand(String(a), resolved.env)) : []),
    ];
    const program = this.session.start(
      `pod ${namespace}/${name}`,
      'unshare',
      [
        '--net',
        '--mount',
        '--uts',
        '--ipc',
        '--pid',
        '--fork',
        '--kill-child',
        '--',
        '/bin/sh',
        POD_INIT,
        dir,
        `${ip}/${this.net.prefix}`,
        this.net.gateway,
        name,
        String(user),
        String(group),
        [...new Set(groups)].join(','),
        '--',
        'env',
        '-i',
        ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
        ...command,
      ],
      join(dir, 'pod.log'),
    );
    const running: RunningPod = {
      namespace,
      name,
      uid,
      ip,
      node: String(spec.nodeName),
      runtime: runtime.name,
      program,
      dir,
      user: { uid: user, gid: group, groups: [...new Set(groups)], path: env.PATH ?? '/usr/bin:/bin' },
      env,
      sidecars: [],
    };
    this.pods.set(uid, running);
    const pid = await innerPid(program);
    running.pid = pid;
    const veth = `v${++this.interfaces}`;
    for (const args of [
      ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', String(pid)],
      ['link', 'set', veth, 'master', 'pods', 'up'],
    ]) {
      const r = await this.net.exec('ip', args);
      if (r.status !== 0) throw new Error(`pod ${namespace}/${name}: ip ${args.join(' ')}: ${r.stderr.trim()}`);
    }
    // a pod re-created with its predecessor's IP (a StatefulSet's, kwok's allocator): the nodes and the other pods
    // forget the old interface's MAC, or they keep sending to it for the neighbour cache's lifetime (a real node's
    // runtime announces the new one with a gratuitous ARP)
    await this.net.exec('ip', ['neigh', 'flush', 'to', ip]);
    for (const other of this.pods.values())
      if (other !== running && other.pid !== undefined)
        await execute('nsenter', [`--net=/proc/${other.pid}/ns/net`, '--', 'ip', 'neigh', 'flush', 'to', ip]);
    for (const { container: c, runtime: sidecar } of sidecars) await this.runSidecar(running, pod, c, sidecar);
    this.log(
      `pod ${namespace}/${name} (${[runtime.name, ...sidecars.map((x) => x.runtime.name)].join(', ')}) running on ${String(spec.nodeName)} at ${ip}`,
    );
  }

  /** A sidecar container: its env resolved, run in the pod's namespaces and root as its user once the pod is up. */
  private async runSidecar(
    running: RunningPod,
    pod: Record<string, unknown>,
    container: Record<string, unknown>,
    sidecar: SidecarRuntime,
  ): Promise<void> {
    const where = `pod ${running.namespace}/${running.name} container ${String(container.name)}`;
    const resolved = await resolveEnv(this.kube, pod as unknown as KubeObject, container);
    if (resolved.problems.length) {
      this.failures.add(`${where}: ${resolved.problems.join('; ')}`);
      return;
    }
    // the pod's first process has its root once pod-init.sh chrooted (its mounts are made then)
    const init = await until(
      30,
      async () => {
        const pid = firstChild(running.pid);
        return pid !== undefined && readlinkSafe(`/proc/${pid}/root`) !== '/' ? pid : undefined;
      },
      100,
    );
    if (init === undefined) {
      this.failures.add(`${where}: the pod did not start in 30 s`);
      return;
    }
    const { uid, gid, groups } = running.user;
    const securityContext = asRecord(container.securityContext);
    const args = [...sidecar.command, ...(Array.isArray(container.args) ? container.args.map(String) : [])];
    const env = {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      HOSTNAME: running.name,
      ...resolved.env,
    };
    const user = {
      uid: Number(securityContext.runAsUser ?? uid),
      gid: Number(securityContext.runAsGroup ?? gid),
      groups,
    };
    running.sidecars.push(
      this.session.start(
        where,
        'nsenter',
        inPod(init, user, env, args),
        join(running.dir, `${String(container.name)}.log`),
      ),
    );
  }

  /** The container's volume mounts as `[source, target]` folders, made as the kubelet makes them. */
  private async volumes(
    pod: Record<string, unknown>,
    container: Record<string, unknown>,
    dir: string,
    fsGroup: number | undefined,
  ): Promise<[string, string][]> {
    const meta = asRecord(pod.metadata);
    const spec = asRecord(pod.spec);
    const namespace = String(meta.namespace);
    const volumes = new Map(
      asArray(spec.volumes)
        .filter(isRecord)
        .map((v) => [String(v.name), v]),
    );
    const mounts: [string, string][] = [];
    for (const m of asArray(container.volumeMounts).filter(isRecord)) {
      const volume = volumes.get(String(m.name));
      if (!volume) continue;
      let source: string;
      if (isRecord(volume.persistentVolumeClaim)) {
        // the claim's volume: a folder of the run, kept when the pod goes (a real disk stands in for it on a node)
        source = join(this.dir, 'claims', `${namespace}_${String(volume.persistentVolumeClaim.claimName)}`);
        mkdirSync(source, { recursive: true });
        if (fsGroup !== undefined) {
          chownSync(source, 0, fsGroup);
          chmodSync(source, 0o2775);
        }
      } else if (isRecord(volume.emptyDir)) {
        source = join(dir, 'volumes', String(m.name));
        mkdirSync(source, { recursive: true });
        chmodSync(source, 0o1777);
      } else {
        source = join(dir, 'volumes', String(m.name));
        mkdirSync(source, { recursive: true });
        for (const [file, content] of await this.files(volume, pod)) {
          mkdirSync(join(source, file, '..'), { recursive: true });
          writeFileSync(join(source, file), content, { mode: 0o644 });
        }
      }
      const sub = typeof m.subPath === 'string' && m.subPath ? join(source, m.subPath) : source;
      // a subPath folder not there yet is made, as the kubelet makes it (in the volume, with its group)
      if (sub !== source && !existsSync(sub) && (isRecord(volume.persistentVolumeClaim) || isRecord(volume.emptyDir))) {
        mkdirSync(sub, { recursive: true });
        if (fsGroup !== undefined) {
          chownSync(sub, 0, fsGroup);
          chmodSync(sub, 0o2775);
        }
      }
      mounts.push([sub, String(m.mountPath)]);
    }
    return mounts;
  }

  /** The files of a Secret, ConfigMap, downward API or projected volume (a service account token from the API server). */
  private async files(
    volume: Record<string, unknown>,
    pod: Record<string, unknown>,
  ): Promise<[string, string | Buffer][]> {
    const meta = asRecord(pod.metadata);
    const spec = asRecord(pod.spec);
    const namespace = String(meta.namespace);
    const sources = isRecord(volume.projected) ? asArray(volume.projected.sources).filter(isRecord) : [volume];
    const out: [string, string | Buffer][] = [];
    for (const source of sources) {
      const secret = isRecord(source.secret) ? source.secret : undefined;
      const configMap = isRecord(source.configMap) ? source.configMap : undefined;
      if (secret || configMap) {
        const ref = (secret ?? configMap) as Record<string, unknown>;
        const name = String(ref.secretName ?? ref.name);
        const obj = await this.kube.get(`/api/v1/namespaces/${namespace}/${secret ? 'secrets' : 'configmaps'}/${name}`);
        const data = asRecord(obj?.data);
        const items = asArray(ref.items).filter(isRecord);
        const keys = items.length
          ? items.map((i) => [String(i.key), String(i.path)])
          : Object.keys(data).map((k) => [k, k]);
        for (const [key, path] of keys)
          if (key in data)
            // a Secret's bytes as they are (the operators' gzipped configurations are binary)
            out.push([path, secret ? Buffer.from(String(data[key]), 'base64') : String(data[key])]);
      }
      if (isRecord(source.downwardAPI))
        for (const item of asArray(source.downwardAPI.items).filter(isRecord)) {
          const path = String(asRecord(item.fieldRef).fieldPath);
          out.push([
            String(item.path),
            path === 'metadata.namespace' ? namespace : path === 'metadata.name' ? String(meta.name) : '',
          ]);
        }
      if (isRecord(source.serviceAccountToken)) {
        const t = source.serviceAccountToken;
        const account = String(spec.serviceAccountName ?? 'default');
        const r = await this.kube.send('POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${account}/token`, {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: {
            audiences: t.audience ? [t.audience] : [],
            expirationSeconds: Number(t.expirationSeconds ?? 3607),
            boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: meta.name, uid: meta.uid },
          },
        });
        const token = asRecord(r.body.status).token;
        if (typeof token !== 'string')
          throw new Error(`no token for service account ${namespace}/${account}: ${JSON.stringify(r.body)}`);
        out.push([String(t.path), token]);
      }
    }
    // the cluster CA every pod trusts (kube-root-ca.crt is published by the controller manager; here from the run)
    if (out.some(([p]) => p === 'ca.crt') === false && sources.some((s) => isRecord(s.serviceAccountToken)))
      out.push(['ca.crt', readFileSync(this.caFile, 'utf8')]);
    return out;
  }

  /**
   * Run a command in a pod's namespaces and root as its container's user (what `kubectl exec` does), to its end.
   */
  async exec(pod: RunningPod, argv: readonly string[], timeoutMs = 30_000): Promise<Exec> {
    const init = firstChild(pod.pid);
    if (init === undefined)
      return { status: -1, stdout: '', stderr: `pod ${pod.namespace}/${pod.name} is not running` };
    return execute('nsenter', inPod(init, pod.user, { PATH: pod.user.path, HOME: '/home/postgres' }, argv), timeoutMs);
  }

  /**
   * Run pods of `image` with the layer of an image it runs (`like`): for an image whose source is not available here (a
   * newer tag), so that what the operator and Patroni do around it still runs. The caller says so in its report.
   */
  standIn(image: string, like: string): void {
    const runtime = [...this.runtimes.images, ...this.later].find((r) => r.matches(like));
    if (!runtime) throw new Error(`the kubelet stand-in runs no image like ${like}`);
    this.standIns.set(image, runtime);
  }

  /**
   * SIGKILL every process of a pod at once, as a node that loses power does: no shutdown, no leader key released. The
   * pod stays down (its object unchanged, as the API server keeps a lost node's pods) until the pod is deleted.
   */
  async crash(pod: RunningPod): Promise<void> {
    this.lost.add(pod.uid);
    killGroup(pod.program.child, 'SIGKILL');
    while (pod.program.exited === undefined) await new Promise((r) => setTimeout(r, 20));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    while (this.busy) await new Promise((r) => setTimeout(r, 50));
    await stop(
      [...this.pods.values()].map((p) => p.program),
      10_000,
    );
  }
}

const hostsText = (ip: string, name: string, services: string): string =>
  `127.0.0.1 localhost\n${ip} ${name}\n${services}`;

/**
 * `nsenter` arguments running `argv` in a pod (its first process `init`: namespaces, root, working directory) as a
 * user, with exactly this environment.
 */
function inPod(
  init: number,
  user: { readonly uid: number; readonly gid: number; readonly groups: readonly number[] },
  env: Readonly<Record<string, string>>,
  argv: readonly string[],
): string[] {
  return [
    `--target=${init}`,
    '--net',
    '--mount',
    '--uts',
    '--ipc',
    '--pid',
    '--root',
    '--wd',
    '--',
    'setpriv',
    '--reuid',
    String(user.uid),
    '--regid',
    String(user.gid),
    '--groups',
    user.groups.join(','),
    '--',
    'env',
    '-i',
    ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
    ...argv,
  ];
}

const readlinkSafe = (path: string): string | undefined => {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
};

/** The first child of a process (a pod's first process, under unshare), if any. */
function firstChild(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return children ? Number(children.split(/\s+/)[0]) : undefined;
  } catch {
    return undefined;
  }
}

/** Supplementary groups the image's /etc/group gives the user of `uid` (a container runtime adds them). */
function imageGroups(layer: string, uid: number): number[] {
  try {
    const user = readFileSync(join(layer, 'etc', 'passwd'), 'utf8')
      .split('\n')
      .map((l) => l.split(':'))
      .find((f) => f[2] === String(uid))?.[0];
    if (!user) return [];
    return readFileSync(join(layer, 'etc', 'group'), 'utf8')
      .split('\n')
      .map((l) => l.split(':'))
      .filter((f) => (f[3] ?? '').split(',').includes(user))
      .map((f) => Number(f[2]));
  } catch {
    return [];
  }
}
