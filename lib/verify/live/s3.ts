import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
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
  /** ObjectBucketClaims: the Secret and ConfigMap of each, named as the claim, made as Rook's provisioner makes them. */
  readonly claims: readonly { readonly namespace: string; readonly name: string; readonly bucket: string }[];
}

/** Rook's RGW: the Service `rook-ceph-rgw-<store>` on the gateway's port, a bucket per ObjectBucketClaim. */
function rgwPlan(objects: readonly KubeObject[]): StorePlan | undefined {
  const store = objects.find((o) => o.kind === 'CephObjectStore');
  if (!store) return undefined;
  const gateway = asRecord(asRecord(store.spec).gateway);
  const https = gateway.securePort !== undefined && gateway.port === undefined;
  const claims = objects
    .filter((o) => o.kind === 'ObjectBucketClaim')
    .map((o) => ({
      namespace: o.metadata.namespace ?? 'default',
      name: o.metadata.name,
      bucket: String(asRecord(o.spec).bucketName ?? o.metadata.name),
    }));
  return {
    what: `Rook CephObjectStore ${store.metadata.namespace}/${store.metadata.name}`,
    namespace: store.metadata.namespace ?? 'rook-ceph',
    service: `rook-ceph-rgw-${store.metadata.name}`,
    port: Number(https ? gateway.securePort : (gateway.port ?? 80)),
    https,
    buckets: claims.map((c) => c.bucket),
    selector: { app: 'rook-ceph-rgw', rook_object_store: store.metadata.name },
    claims,
  };
}

export function storePlan(objects: readonly KubeObject[]): StorePlan | undefined {
  const tenant = objects.find((o) => o.kind === 'Tenant' && o.apiVersion.startsWith('minio.min.io/'));
  if (!tenant) return rgwPlan(objects);
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
    claims: [],
  };
}

const hash = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** A SigV4-signed request without body (what creating a bucket needs). */
function s3Request(
  store: { socket: string; https: boolean; accessKey: string; secretKey: string },
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
    const req = (store.https ? request : httpRequest)(
      { socketPath: store.socket, method, path, headers, ca, servername: host },
      (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
      },
    );
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
  readonly ca: Buffer;
}): Promise<S3Store> {
  const { plan, kube, session, net, dir } = args;
  const { namespace, service } = plan;
  const body = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: service, namespace, labels: { ...plan.selector } },
    spec: {
      selector: { ...plan.selector },
      ports: [{ name: plan.https ? 'https' : 'http', port: plan.port, targetPort: 8080 }],
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
          const status = await s3Request(
            { socket, https: plan.https, accessKey, secretKey },
            args.ca,
            names[0],
            'PUT',
            `/${bucket}`,
          );
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

/** Each ObjectBucketClaim's Secret and ConfigMap whose namespace exists, as Rook's bucket provisioner writes them. */
export async function provisionClaims(kube: Kube, plan: StorePlan, store: S3Store): Promise<void> {
  const host = `${store.service}.${store.namespace}.svc`;
  for (const claim of plan.claims) {
    const meta = { name: claim.name, namespace: claim.namespace };
    if (!(await kube.get(`/api/v1/namespaces/${claim.namespace}`))) continue;
    if (await kube.get(`/api/v1/namespaces/${claim.namespace}/secrets/${claim.name}`)) continue;
    await kube.send('POST', `/api/v1/namespaces/${claim.namespace}/secrets`, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta,
      stringData: { AWS_ACCESS_KEY_ID: store.accessKey, AWS_SECRET_ACCESS_KEY: store.secretKey },
    });
    await kube.send('POST', `/api/v1/namespaces/${claim.namespace}/configmaps`, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta,
      data: {
        BUCKET_HOST: host,
        BUCKET_NAME: claim.bucket,
        BUCKET_PORT: String(store.port),
        BUCKET_REGION: 'us-east-1',
        BUCKET_SUBREGION: '',
      },
    });
  }
}
