import type { KubeObject } from '../../core/objects';
import { isQuantity, parseQuantity } from '../../core/quantity';
import { isRecord } from '../../core/records';
import type { Kube } from '../kube';

/**
 * A container's environment as the kubelet makes it: `envFrom` first, then `env` (values with `$(VAR)` references
 * expanded, `valueFrom` resolved from the pod, its Secrets and ConfigMaps). What cannot be resolved is a problem the
 * kubelet would report (CreateContainerConfigError), named with the object and the key.
 */
export interface ResolvedEnv {
  readonly env: Record<string, string>;
  readonly problems: readonly string[];
}

type Data = Record<string, string> | undefined;

async function dataOf(kube: Kube, kind: 'secrets' | 'configmaps', ns: string, name: string): Promise<Data> {
  const obj = await kube.get(`/api/v1/namespaces/${ns}/${kind}/${name}`);
  if (!obj) return undefined;
  const data = isRecord(obj.data) ? obj.data : {};
  return Object.fromEntries(
    Object.entries(data).map(([k, v]) => [
      k,
      kind === 'secrets' ? Buffer.from(String(v), 'base64').toString('utf8') : String(v),
    ]),
  );
}

/** `metadata.labels['a']` and the other fieldRef paths a kubelet serves. */
function fieldOf(pod: KubeObject, path: string): string | undefined {
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (m) return (pod.metadata[m[1] as 'labels' | 'annotations'] ?? {})[m[2]];
  const status = isRecord(pod.status) ? pod.status : {};
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const fields: Record<string, unknown> = {
    'metadata.name': pod.metadata.name,
    'metadata.namespace': pod.metadata.namespace,
    'metadata.uid': (pod.metadata as Record<string, unknown>).uid,
    'spec.nodeName': spec.nodeName,
    'spec.serviceAccountName': spec.serviceAccountName,
    'status.podIP': status.podIP,
    'status.hostIP': status.hostIP,
  };
  const v = fields[path];
  return typeof v === 'string' ? v : undefined;
}

/** `$(VAR)` references expanded from an environment, as the kubelet expands env values, command and args. */
export const expand = (value: string, env: Record<string, string>): string =>
  value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole);

export async function resolveEnv(
  kube: Kube,
  pod: KubeObject,
  container: Record<string, unknown>,
): Promise<ResolvedEnv> {
  const ns = pod.metadata.namespace ?? 'default';
  const where = `pod ${ns}/${pod.metadata.name} container ${String(container.name)}`;
  const env: Record<string, string> = {};
  const problems: string[] = [];
  const cache = new Map<string, Promise<Data>>();
  const data = (kind: 'secrets' | 'configmaps', name: string) => {
    const key = `${kind}/${name}`;
    if (!cache.has(key)) cache.set(key, dataOf(kube, kind, ns, name));
    return cache.get(key) as Promise<Data>;
  };
  const kindName = (kind: 'secrets' | 'configmaps') => (kind === 'secrets' ? 'Secret' : 'ConfigMap');
  for (const from of Array.isArray(container.envFrom) ? container.envFrom.filter(isRecord) : []) {
    const ref = isRecord(from.secretRef) ? from.secretRef : isRecord(from.configMapRef) ? from.configMapRef : undefined;
    if (!ref) continue;
    const kind = isRecord(from.secretRef) ? 'secrets' : 'configmaps';
    const values = await data(kind, String(ref.name));
    if (!values) {
      if (ref.optional !== true)
        problems.push(`${where}: envFrom ${kindName(kind)} ${ns}/${String(ref.name)} does not exist`);
      continue;
    }
    const prefix = typeof from.prefix === 'string' ? from.prefix : '';
    for (const [k, v] of Object.entries(values)) env[prefix + k] = v;
  }
  for (const e of Array.isArray(container.env) ? container.env.filter(isRecord) : []) {
    const name = String(e.name);
    if (typeof e.value === 'string') {
      env[name] = expand(e.value, env);
      continue;
    }
    const from = isRecord(e.valueFrom) ? e.valueFrom : {};
    if (isRecord(from.fieldRef)) {
      const v = fieldOf(pod, String(from.fieldRef.fieldPath));
      if (v === undefined)
        problems.push(`${where}: env ${name}: field ${String(from.fieldRef.fieldPath)} has no value`);
      else env[name] = v;
      continue;
    }
    const ref = isRecord(from.secretKeyRef)
      ? from.secretKeyRef
      : isRecord(from.configMapKeyRef)
        ? from.configMapKeyRef
        : undefined;
    if (ref) {
      const kind = isRecord(from.secretKeyRef) ? 'secrets' : 'configmaps';
      const values = await data(kind, String(ref.name));
      const v = values?.[String(ref.key)];
      if (v !== undefined) env[name] = v;
      else if (ref.optional !== true)
        problems.push(
          values
            ? `${where}: env ${name}: ${kindName(kind)} ${ns}/${String(ref.name)} has no key ${String(ref.key)}`
            : `${where}: env ${name}: ${kindName(kind)} ${ns}/${String(ref.name)} does not exist`,
        );
      continue;
    }
    if (isRecord(from.resourceFieldRef)) env[name] = resourceField(container, String(from.resourceFieldRef.resource));
    else if (!('valueFrom' in e)) env[name] = '';
  }
  return { env, problems };
}

/** `limits.memory` in bytes, `limits.cpu` in whole cores rounded up, as the kubelet gives them (divisor 1). */
function resourceField(container: Record<string, unknown>, resource: string): string {
  const [section, name] = resource.split('.');
  const resources = isRecord(container.resources) ? container.resources : {};
  const values = isRecord(resources[section]) ? resources[section] : {};
  const raw = String(values[name] ?? '0');
  const value = isQuantity(raw) ? parseQuantity(raw) : 0;
  return String(name === 'cpu' ? Math.max(1, Math.ceil(value)) : Math.floor(value));
}
