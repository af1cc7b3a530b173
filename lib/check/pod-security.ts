import { asArray, asRecord } from '../core/records';

/**
 * The Pod Security Standards (v1.26) that admission enforces per namespace
 * (pod-security.kubernetes.io/enforce): what a pod template violates at a level. Covers the
 * controls a rendered manifest can trip; AppArmor, SELinux, procMount and sysctls are not modelled.
 */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

const BASELINE_CAPABILITIES = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
];
const RESTRICTED_VOLUMES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

function baseline(pod: Record<string, unknown>, containers: readonly Record<string, unknown>[]): string[] {
  const out = ['hostNetwork', 'hostPID', 'hostIPC'].filter((k) => pod[k] === true);
  out.push(
    ...asArray(pod.volumes)
      .map(asRecord)
      .filter((v) => v.hostPath)
      .map((v) => `hostPath volume '${String(v.name)}'`),
  );
  for (const c of containers) {
    const sc = asRecord(c.securityContext);
    const name = `container '${String(c.name)}'`;
    if (sc.privileged === true) out.push(`${name} privileged`);
    const added = asArray(asRecord(sc.capabilities).add)
      .map(String)
      .filter((cap) => !BASELINE_CAPABILITIES.includes(cap));
    if (added.length) out.push(`${name} adds capabilities ${added.join(', ')}`);
    if (asArray(c.ports).some((p) => Number(asRecord(p).hostPort ?? 0) > 0)) out.push(`${name} hostPort`);
    if (asRecord(sc.seccompProfile).type === 'Unconfined') out.push(`${name} seccomp Unconfined`);
  }
  if (asRecord(asRecord(pod.securityContext).seccompProfile).type === 'Unconfined') out.push('pod seccomp Unconfined');
  return out;
}

function restricted(pod: Record<string, unknown>, containers: readonly Record<string, unknown>[]): string[] {
  const podSc = asRecord(pod.securityContext);
  const out = asArray(pod.volumes)
    .map(asRecord)
    .filter((v) => !Object.keys(v).some((k) => RESTRICTED_VOLUMES.includes(k)) && !v.hostPath)
    .map((v) => `volume '${String(v.name)}' of a type restricted forbids`);
  for (const c of containers) {
    const sc = asRecord(c.securityContext);
    const eff = (key: string) => sc[key] ?? podSc[key];
    const name = `container '${String(c.name)}'`;
    if (sc.allowPrivilegeEscalation !== false) out.push(`${name} without allowPrivilegeEscalation: false`);
    if (eff('runAsNonRoot') !== true) out.push(`${name} without runAsNonRoot: true`);
    if (eff('runAsUser') === 0) out.push(`${name} runAsUser 0`);
    if (!['RuntimeDefault', 'Localhost'].includes(String(asRecord(eff('seccompProfile')).type)))
      out.push(`${name} without seccompProfile RuntimeDefault`);
    const caps = asRecord(sc.capabilities);
    if (!asArray(caps.drop).includes('ALL')) out.push(`${name} without capabilities.drop ALL`);
    // capabilities outside the baseline list are reported by baseline() already
    const added = asArray(caps.add)
      .map(String)
      .filter((cap) => cap !== 'NET_BIND_SERVICE' && BASELINE_CAPABILITIES.includes(cap));
    if (added.length) out.push(`${name} adds capabilities ${added.join(', ')}`);
  }
  return out;
}

/** What Pod Security admission at `level` rejects in a pod spec (init containers included). */
export function podSecurityViolations(pod: Record<string, unknown>, level: PodSecurityLevel): string[] {
  if (level === 'privileged') return [];
  const containers = [...asArray(pod.initContainers), ...asArray(pod.containers)].map(asRecord);
  return [...baseline(pod, containers), ...(level === 'restricted' ? restricted(pod, containers) : [])];
}
