import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asArray, asRecord } from '../../core/records';
import type { Kube } from '../kube';
import { stop, type Started } from '../processes';
import type { Session } from '../session';
import type { PodNetwork } from './network';

/**
 * Services as kube-proxy and cluster DNS make them, for the pods the kubelet stand-in runs: every second, each port
 * of a Service whose endpoint is such a pod gets a relay (socat in the nodes' namespace, on the Service's ClusterIP)
 * to that endpoint, replaced when the endpoint changes (a failover moves the master Service's endpoint: Patroni
 * writes it); and a hosts file names every Service at its ClusterIP, rewritten in place (the pods and the operator
 * see it bind-mounted as their /etc/hosts).
 */
export class ServiceProxy {
  private readonly relays = new Map<string, { target: string; program: Started }>();
  private timer?: NodeJS.Timeout;
  private busy = false;
  private hostsText = '';
  /** Service lines of a hosts file (`<ClusterIP> <name>.<ns>.svc.cluster.local ...`). */
  serviceHosts = '';

  constructor(
    private readonly kube: Kube,
    private readonly session: Session,
    private readonly net: PodNetwork,
    private readonly dir: string,
    /** The pod IPs the stand-in runs: only their endpoints get relays. */
    private readonly livePods: () => ReadonlySet<string>,
    /** Called when the Service lines changed. */
    private readonly onHosts: (lines: string) => void,
  ) {}

  /** The relays' log: each relay made (ClusterIP:port -> endpoint), socat's errors. */
  private get log(): string {
    return join(this.dir, 'services.log');
  }

  /** The hosts file of programs in the nodes' namespace (the operator). */
  get hostsFile(): string {
    return join(this.dir, 'hosts');
  }

  start(): void {
    writeFileSync(this.hostsFile, '127.0.0.1 localhost\n');
    this.timer = setInterval(() => void this.tick(), 1000);
  }

  async tick(): Promise<void> {
    if (this.busy || this.session.over) return;
    this.busy = true;
    try {
      const services = await this.kube.list('/api/v1/services');
      const endpoints = new Map(
        (await this.kube.list('/api/v1/endpoints')).map((e) => {
          const m = asRecord(e.metadata);
          return [`${String(m.namespace)}/${String(m.name)}`, e];
        }),
      );
      const live = this.livePods();
      const lines: string[] = [];
      const wanted = new Map<string, string>();
      for (const svc of services) {
        const meta = asRecord(svc.metadata);
        const spec = asRecord(svc.spec);
        const ip = spec.clusterIP;
        const [name, ns] = [String(meta.name), String(meta.namespace)];
        // a headless Service names each endpoint with a hostname (a StatefulSet's pods), as the cluster DNS does
        if (ip === 'None')
          for (const subset of asArray(asRecord(endpoints.get(`${ns}/${name}`)).subsets).map(asRecord))
            for (const a of [...asArray(subset.addresses), ...asArray(subset.notReadyAddresses)].map(asRecord))
              if (typeof a.hostname === 'string') {
                const host = `${a.hostname}.${name}`;
                lines.push(`${String(a.ip)} ${host}.${ns}.svc.cluster.local ${host}.${ns}.svc ${host}.${ns} ${host}`);
              }
        if (typeof ip !== 'string' || !/^\d/.test(ip)) continue;
        lines.push(`${ip} ${name}.${ns}.svc.cluster.local ${name}.${ns}.svc ${name}.${ns}`);
        const subsets = asArray(asRecord(endpoints.get(`${ns}/${name}`)).subsets).map(asRecord);
        for (const port of asArray(spec.ports).map(asRecord)) {
          // the endpoint port of the same name (or the only one), on a ready address of a live pod
          for (const subset of subsets) {
            const ports = asArray(subset.ports).map(asRecord);
            const target = ports.find((p) => p.name === port.name) ?? (ports.length === 1 ? ports[0] : undefined);
            const address = asArray(subset.addresses)
              .map((a) => String(asRecord(a).ip))
              .find((a) => live.has(a));
            if (target && address) {
              wanted.set(`${ip}:${String(port.port)}`, `${address}:${String(target.port)}`);
              break;
            }
          }
        }
      }
      for (const [listen, current] of this.relays)
        if (wanted.get(listen) !== current.target) {
          this.relays.delete(listen);
          await stop([current.program], 1000);
        }
      for (const [listen, target] of wanted) {
        if (this.relays.has(listen)) continue;
        const [ip, port] = listen.split(':');
        await this.net.addServiceAddress(ip);
        const program = this.session.start(
          `service ${listen}`,
          'nsenter',
          [
            `--net=/proc/${this.net.nodePid}/ns/net`,
            '--',
            'socat',
            `TCP-LISTEN:${port},bind=${ip},fork,reuseaddr`,
            `TCP:${target}`,
          ],
          this.log,
        );
        this.relays.set(listen, { target, program });
        appendFileSync(this.log, `${new Date().toISOString()} ${listen} -> ${target}\n`);
      }
      const text = lines.sort().join('\n') + '\n';
      if (text !== this.hostsText) {
        this.hostsText = text;
        this.serviceHosts = text;
        // in place: a bind mount of the file keeps seeing its content
        writeFileSync(this.hostsFile, `127.0.0.1 localhost\n${text}`);
        this.onHosts(text);
      }
    } catch (e) {
      // the next tick retries (the API server may be stopping)
      if (!this.session.over) appendFileSync(this.log, `${new Date().toISOString()} ${String(e)}\n`);
    } finally {
      this.busy = false;
    }
  }

  /** The ClusterIP:port relays and where they lead now. */
  get routes(): ReadonlyMap<string, string> {
    return new Map([...this.relays].map(([k, v]) => [k, v.target]));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    while (this.busy) await new Promise((r) => setTimeout(r, 50));
    await stop(
      [...this.relays.values()].map((r) => r.program),
      1000,
    );
  }
}
