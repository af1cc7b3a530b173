import type { SiteTree } from '../../lib/check/findings';
import type { KubeObject } from '../../lib/core/objects';
import { isRecord } from '../../lib/core/records';
import { registeredTaints } from '../../lib/site/roles';

/** What a kind cluster of one node has: its node's name, its only StorageClass (local-path's). */
export interface KindCluster {
  readonly node: string;
  readonly storageClass: string;
  /** The deploy-time Secrets the job creates: `<namespace>/<name>` and their keys. */
  readonly secrets: ReadonlyMap<string, readonly string[]>;
}

/** Registries that are going away: an image there may not pull by the time the job runs. */
const CLOSING = ['registry.opensource.zalan.do'];
/** Secrets the Zalando operator creates for a cluster's users: `<user>.<cluster>.credentials.postgresql.acid.zalan.do`. */
const OPERATOR_SECRET = /\.credentials\.postgresql\.acid\.zalan\.do$/;

/** Every value under `key` in an object tree, with the object holding it. */
function valuesOf(node: unknown, key: string, into: { holder: Record<string, unknown>; value: unknown }[] = []) {
  if (Array.isArray(node)) node.forEach((n) => valuesOf(n, key, into));
  else if (isRecord(node))
    for (const [k, v] of Object.entries(node)) {
      if (k === key) into.push({ holder: node, value: v });
      valuesOf(v, key, into);
    }
  return into;
}

/** Every string of an object tree (images hide in ConfigMaps' data and operators' flags too). */
const stringsOf = (node: unknown): string[] =>
  typeof node === 'string'
    ? [node]
    : Array.isArray(node)
      ? node.flatMap(stringsOf)
      : isRecord(node)
        ? Object.values(node).flatMap(stringsOf)
        : [];

/** A Secret a rendered object's pods need (not optional), and the keys they read from it (env, envFrom, volumes). */
interface NeededSecret {
  readonly name: string;
  readonly keys: readonly string[];
}
function neededSecrets(obj: KubeObject): NeededSecret[] {
  const named = (holder: unknown, field: string): NeededSecret[] =>
    isRecord(holder) && holder.optional !== true && typeof holder[field] === 'string'
      ? [{ name: holder[field], keys: typeof holder.key === 'string' ? [holder.key] : [] }]
      : [];
  return [
    ...valuesOf(obj, 'secretKeyRef').flatMap(({ value }) => named(value, 'name')),
    ...valuesOf(obj, 'secretRef').flatMap(({ value }) => named(value, 'name')),
    ...valuesOf(obj, 'secret').flatMap(({ value }) => named(value, 'secretName')),
    // a MinIO Tenant's environment (its root credentials)
    ...(obj.kind === 'Tenant' && isRecord(obj.spec) ? named(obj.spec.configuration, 'name') : []),
  ];
}

/**
 * Why a site's rendered tree cannot become healthy, Application by Application, on a kind cluster of one node, as
 * ArgoCD judges health (argocd-cm's checks hold each sync wave until the previous one is healthy): empty when it can.
 */
export function oneNodeFindings(tree: SiteTree, kind: KindCluster): string[] {
  const findings: string[] = [];
  const { site } = tree;
  if (site.nodes.length !== 1) findings.push(`site ${site.name}: ${site.nodes.length} nodes, kind runs one`);
  for (const node of site.nodes) {
    if (node.name !== kind.node) findings.push(`node ${node.name}: kind's node is ${kind.node}`);
    const taints = registeredTaints(node);
    if (taints.length > 0)
      findings.push(`node ${node.name}: joins tainted (${taints.map((t) => t.key).join(', ')}), kind's node is not`);
  }
  const objects = tree.objects.filter((r) => r.obj.kind !== 'CustomResourceDefinition');
  const rendered = new Set(
    objects.filter((r) => r.obj.kind === 'Secret').map((r) => `${r.obj.metadata.namespace}/${r.obj.metadata.name}`),
  );
  for (const { app, obj } of objects) {
    const what = `${app}: ${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;
    if (obj.apiVersion.startsWith('ceph.rook.io/'))
      findings.push(`${what}: Rook's Ceph needs three monitors and raw disks`);
    if (obj.kind === 'StorageClass') findings.push(`${what}: its provisioner does not run on kind`);
    for (const key of ['storageClassName', 'storageClass'])
      for (const { value } of valuesOf(obj, key))
        if (typeof value === 'string' && value !== kind.storageClass)
          findings.push(`${what}: StorageClass ${value}: kind has ${kind.storageClass} only`);
    if (obj.kind === 'Service' && isRecord(obj.spec) && obj.spec.type === 'LoadBalancer')
      findings.push(`${what}: no load balancer gives it an address on kind: it stays Progressing`);
    for (const key of ['enableMasterLoadBalancer', 'enableReplicaLoadBalancer', 'enableMasterPoolerLoadBalancer'])
      if (obj.kind === 'postgresql' && isRecord(obj.spec) && obj.spec[key] === true)
        findings.push(`${what}: ${key}: no load balancer gives its Service an address on kind`);
    for (const image of stringsOf(obj).filter((v) => CLOSING.some((r) => v.startsWith(`${r}/`))))
      findings.push(`${what}: image ${image}: its registry is closing`);
    for (const { name, keys } of neededSecrets(obj)) {
      const at = `${obj.metadata.namespace}/${name}`;
      const created = kind.secrets.get(at);
      if (created) {
        const missing = keys.filter((k) => !created.includes(k));
        if (missing.length > 0)
          findings.push(`${what}: Secret ${name}: the job creates it without ${missing.join(', ')}`);
      } else if (!rendered.has(at) && !OPERATOR_SECRET.test(name))
        findings.push(`${what}: Secret ${name}: neither rendered, nor made by an operator, nor created by the job`);
    }
    if (obj.kind === 'ConfigMap' && isRecord(obj.data) && obj.data.pod_environment_secret)
      findings.push(`${what}: pod_environment_secret ${String(obj.data.pod_environment_secret)}: a deploy-time Secret`);
  }
  return [...new Set(findings)];
}
