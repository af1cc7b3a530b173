import type { PodSecurityContext, ResourceRequirements, SecurityContext } from '../../imports/k8s';
import { Quantity } from '../../imports/k8s';

/**
 * What a container's securityContext needs to pass Pod Security 'restricted' and the house policy, whatever its user.
 */
export const RESTRICTED_CONTAINER = {
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
} as const satisfies SecurityContext;

/**
 * Container securityContext that passes Pod Security 'restricted': non-root, no escalation, read-only root, no
 * capabilities.
 */
export function hardenedContainer(runAsUser: number): SecurityContext {
  return { runAsUser, ...RESTRICTED_CONTAINER, capabilities: { drop: ['ALL'] } };
}

export const HARDENED_POD: PodSecurityContext = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };

/** Requests and limits from cpu/memory strings. */
export function resources(
  requests: { cpu: string; memory: string },
  limits: { cpu: string; memory: string },
): ResourceRequirements {
  const q = (r: { cpu: string; memory: string }) => ({
    cpu: Quantity.fromString(r.cpu),
    memory: Quantity.fromString(r.memory),
  });
  return { requests: q(requests), limits: q(limits) };
}
