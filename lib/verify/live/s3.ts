import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { KubeObject } from '../../core/objects';
import { asArray, asRecord, isRecord } from '../../core/records';
import { binaryPath, versitygwComponent } from '../components';
import { until, type Kube } from '../kube';
import { serverCertificate } from '../pki';
import type { Started } from '../processes';
import type { Session } from '../session';
import type { PodNetwork } from './network';

/**
 * The site's S3 store, stood in for by versitygw (a real S3 server: SigV4, buckets, multipart) where the site's
 * rendered objects put it: for a MinIO Tenant, the `minio` Service the MinIO operator creates in the tenant's
 * namespace (HTTPS on 443 with a certificate of the cluster CA: requestAutoCert), its buckets (spec.buckets).
 */
export interface S3Store {
  readonly what: string;
  readonly namespace: string;
  readonly service: string;
  readonly ip: string;
  readonly port: number;
  readonly https: boolean;
  readonly buckets: readonly string[];
  readonly accessKey: string;
  readonly secretKey: string;
  readonly program: Started;
}

/** Where a site's store is, from its rendered objects; undefined when it renders none this stand-in knows. */
export interface StorePlan {
  readonly what: string;
  readonly namespace: string;
  readonly service: string;
  readonly port: number;
  readonly https: boolean;
  readonly buckets: readonly string[];
  readonly selector: Readonly<Record<string, string>>;
}

export function storePlan(objects: readonly KubeObject[]): StorePlan | undefined {
  const tenant = objects.find((o) => o.kind === 'Tenant' && o.apiVersion.startsWith('minio.min.io/'));
  if (!tenant) return undefined;
  const spec = asRecord(tenant.spec);
  // MinIO operator v5: TLS unless requestAutoCert is false; the Service is `minio`, 443 (https) or 80
  const https = spec.requestAutoCert !== false;
  return {
    what: `MinIO Tenant ${tenant.metadata.namespace}/${tenant.metadata.name}`,
    namespace: tenant.metadata.namespace ?? 'default',
    service: 'minio',
    port: https ? 443 : 80,
    https,
    buckets: asArray(spec.buckets)
      .filter(isRecord)
      .map((b) => String(b.name)),
    selector: { 'v1.min.io/tenant': tenant.metadata.name },
  };
}

const hash = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** A SigV4-signed request without body (what creating a bucket needs). */
function s3Request(
  store: { socket: string; accessKey: string; secretKey: string },
  ca: Buffer,
  host: string,
  method: string,
  path: string,
): Promise<number> {
  const region = 'us-east-1';
  const now = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
  const day = now.slice(0, 8);
  const payload = hash('');
  const headers: Record<string, string> = { host, 'x-amz-content-sha256': payload, 'x-amz-date': now };
  const signed = Object.keys(headers).sort();
  const canonical = [method, path, '', ...signed.map((h) => `${h}:${headers[h]}`), '', signed.join(';'), payload].join(
    '\n',
  );
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', now, scope, hash(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${store.secretKey}`, day), region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${store.accessKey}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${signature}`;
  return new Promise((done, fail) => {
    const req = request({ socketPath: store.socket, method, path, headers, ca, servername: host }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 0));
    });
    req.on('error', fail);
    req.end();
  });
}

/**
 * Start the store: its Service (as the store's operator makes it), versitygw listening on the Service's address in
 * the nodes' namespace with a certificate of the run's CA for the Service's names, and the buckets.
 */
export async function startS3(args: {
  readonly plan: StorePlan;
  readonly kube: Kube;
  readonly session: Session;
  readonly net: PodNetwork;
  readonly dir: string;
  readonly caFile: string;
  readonly ca: Buffer;
}): Promise<S3Store> {
  const { plan, kube, session, net, dir } = args;
  const { namespace, service } = plan;
  await until(120, async () => ((await kube.get(`/api/v1/namespaces/${namespace}`)) ? true : undefined), 500);
  const body = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: service, namespace, labels: { ...plan.selector } },
    spec: {
      selector: { ...plan.selector },
      ports: [{ name: plan.https ? 'https-minio' : 'http-minio', port: plan.port, targetPort: 9000 }],
    },
  };
  const created = await kube.send('POST', `/api/v1/namespaces/${namespace}/services`, body);
  const svc =
    created.status < 300 ? created.body : await kube.get(`/api/v1/namespaces/${namespace}/services/${service}`);
  const ip = String(asRecord(asRecord(svc).spec).clusterIP);
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip))
    throw new Error(`S3 store: Service ${namespace}/${service} has no ClusterIP: ${JSON.stringify(created.body)}`);
  await net.addServiceAddress(ip);
  const names = [`${service}.${namespace}.svc.cluster.local`, `${service}.${namespace}.svc`, `${service}.${namespace}`];
  const tls = serverCertificate(dir, 's3', names, [ip]);
  const data = join(dir, 's3-data');
  mkdirSync(data, { recursive: true });
  const accessKey = `verify${randomBytes(6).toString('hex')}`;
  const secretKey = randomBytes(24).toString('base64url');
  // also on a unix socket of the run's folder: how verify itself (in the host's namespace) reaches it
  const socket = join(dir, 's3.sock');
  const program = session.start(
    'versitygw',
    'nsenter',
    [
      `--net=/proc/${net.nodePid}/ns/net`,
      '--',
      binaryPath(versitygwComponent(), 'versitygw'),
      '--access',
      accessKey,
      '--secret',
      secretKey,
      '--port',
      `${ip}:${plan.port}`,
      '--port',
      socket,
      ...(plan.https ? ['--cert', tls.cert, '--key', tls.key] : []),
      'posix',
      data,
    ],
    join(dir, 'versitygw.log'),
  );
  // the buckets, as the store's operator creates them (MinIO: spec.buckets)
  for (const bucket of plan.buckets) {
    let last = '';
    const ok = await until(
      30,
      async () => {
        if (program.exited !== undefined) return false;
        try {
          const status = await s3Request({ socket, accessKey, secretKey }, args.ca, names[0], 'PUT', `/${bucket}`);
          last = `HTTP ${status}`;
          return status === 200 || status === 409 ? true : undefined;
        } catch (e) {
          last = e instanceof Error ? e.message : String(e);
          return undefined;
        }
      },
      300,
    );
    if (ok !== true)
      throw new Error(`S3 store: creating bucket ${bucket} on versitygw failed (${last}): see ${program.log}`);
  }
  return {
    what: plan.what,
    namespace,
    service,
    ip,
    port: plan.port,
    https: plan.https,
    buckets: plan.buckets,
    accessKey,
    secretKey,
    program,
  };
}
