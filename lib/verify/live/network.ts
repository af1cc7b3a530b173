import { spawn } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { parseCidr } from '../../site/network';
import type { Started } from '../processes';
import type { Session } from '../session';

/**
 * The pod network of a live verify run: one network namespace standing for the nodes (a bridge whose address is the
 * pods' gateway), each pod a namespace of its own with a veth on that bridge and the IP kwok gave it. Nothing of it
 * is reachable from the host, and nothing in it reaches out: the API server (on host loopback) is reached at the
 * `kubernetes` Service's address through a relay, as a kubelet's pods reach it through kube-proxy. The namespaces
 * belong to processes of the run's session: they go with it.
 */
export interface PodNetwork {
  /** A process holding the nodes' namespace: `/proc/<pid>/ns/net`. */
  readonly nodePid: number;
  readonly gateway: string;
  readonly prefix: number;
  /** The `kubernetes` Service's address, relayed to the API server. */
  readonly kubernetesIp: string;
  /** Run a command in the nodes' namespace; resolves with its exit status and output. */
  readonly exec: (command: string, args: readonly string[], timeoutMs?: number) => Promise<Exec>;
  /** Give an address of the nodes' namespace to a Service (its ClusterIP), so that a program there may listen on it. */
  readonly addServiceAddress: (ip: string) => Promise<void>;
  readonly programs: readonly Started[];
  readonly close: () => void;
}

export interface Exec {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run a command to its end (with a time bound), collecting its output. */
export function execute(
  command: string,
  args: readonly string[],
  timeoutMs = 30_000,
  env?: NodeJS.ProcessEnv,
): Promise<Exec> {
  return new Promise((done) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr: status === null ? `${stderr}(killed after ${timeoutMs} ms)` : stderr });
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      done({ status: -1, stdout, stderr: e.message });
    });
  });
}

/** The process a session program turned into, past `nsenter`'s fork (or the program itself outside a namespace). */
export async function innerPid(p: Started, seconds = 10): Promise<number> {
  const outer = p.child.pid ?? 0;
  const self = readlinkSync('/proc/self/ns/net');
  for (let i = 0; i < seconds * 50; i++) {
    if (p.exited !== undefined) throw new Error(`${p.name} exited (${p.exited}): see ${p.log}`);
    let pid = outer;
    try {
      const children = readFileSync(`/proc/${outer}/task/${outer}/children`, 'utf8').trim();
      if (children) pid = Number(children.split(/\s+/)[0]);
      // the namespace exists once unshare made it
      if (readlinkSync(`/proc/${pid}/ns/net`) !== self) return pid;
    } catch {
      /* not there yet */
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${p.name} made no network namespace in ${seconds} s: see ${p.log}`);
}

const ip4 = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');

/** The pods' gateway: the last but one address of the pod subnet (kwok hands out addresses from its start). */
export function gatewayOf(podSubnet: string): { gateway: string; prefix: number } {
  const cidr = parseCidr(podSubnet);
  if (!cidr) throw new Error(`pod subnet ${podSubnet} is no IPv4 CIDR`);
  return { gateway: ip4(cidr.base + 2 ** (32 - cidr.prefix) - 2), prefix: cidr.prefix };
}

/** The `kubernetes` Service's address: the first of the service subnet. */
export function kubernetesServiceIp(serviceSubnet: string): string {
  const cidr = parseCidr(serviceSubnet);
  if (!cidr) throw new Error(`service subnet ${serviceSubnet} is no IPv4 CIDR`);
  return ip4(cidr.base + 1);
}

const check = (what: string, r: Exec): void => {
  if (r.status !== 0) throw new Error(`pod network: ${what} failed: ${r.stderr.trim() || r.stdout.trim()}`);
};

/**
 * Start the nodes' namespace of a run: its bridge and gateway, the `kubernetes` Service's address with a relay to the
 * API server on `apiPort` (loopback of the host).
 */
export async function startPodNetwork(
  session: Session,
  dir: string,
  podSubnet: string,
  serviceSubnet: string,
  apiPort: number,
): Promise<PodNetwork> {
  const { gateway, prefix } = gatewayOf(podSubnet);
  const holder = session.start(
    'pod-network',
    'unshare',
    ['--net', '--', 'sleep', 'infinity'],
    join(dir, 'pod-network.log'),
  );
  const programs: Started[] = [holder];
  let relay: Server | undefined;
  try {
    const nodePid = await innerPid(holder);
    const exec = (command: string, args: readonly string[], timeoutMs?: number) =>
      execute('nsenter', [`--net=/proc/${nodePid}/ns/net`, '--', command, ...args], timeoutMs);
    for (const args of [
      ['link', 'set', 'lo', 'up'],
      ['link', 'add', 'pods', 'type', 'bridge'],
      ['addr', 'add', `${gateway}/${prefix}`, 'dev', 'pods'],
      ['link', 'set', 'pods', 'up'],
    ])
      check(`ip ${args.join(' ')}`, await exec('ip', args));
    // once per address: a relay re-pointed after a failover listens on the address it had (iproute2 refuses a second
    // `addr add`, "Address already assigned" or "File exists" depending on its version)
    const added = new Set<string>();
    const addServiceAddress = async (ip: string) => {
      if (added.has(ip)) return;
      const r = await exec('ip', ['addr', 'add', `${ip}/32`, 'dev', 'lo']);
      if (r.status !== 0 && !/File exists|already assigned/.test(r.stderr)) check(`ip addr add ${ip}/32 dev lo`, r);
      added.add(ip);
    };
    const apiIp = kubernetesServiceIp(serviceSubnet);
    await addServiceAddress(apiIp);
    // host side: a unix socket in the run's folder to the API server; nodes' side: socat on the Service's address
    const socket = join(dir, 'apiserver.sock');
    relay = createServer((client) => {
      const upstream = connect(apiPort, '127.0.0.1');
      client.pipe(upstream).pipe(client);
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end);
      upstream.on('error', end);
    });
    await new Promise<void>((done) => relay?.listen(socket, done));
    programs.push(
      session.start(
        'apiserver-relay',
        'nsenter',
        [
          `--net=/proc/${nodePid}/ns/net`,
          '--',
          'socat',
          `TCP-LISTEN:443,bind=${apiIp},fork,reuseaddr`,
          `UNIX-CONNECT:${socket}`,
        ],
        join(dir, 'apiserver-relay.log'),
      ),
    );
    const server = relay;
    return {
      nodePid,
      gateway,
      prefix,
      kubernetesIp: apiIp,
      exec,
      addServiceAddress,
      programs,
      close: () => server.close(),
    };
  } catch (e) {
    relay?.close();
    throw e;
  }
}
