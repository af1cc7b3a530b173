import { Construct } from 'constructs';
import { KubeNamespace } from '../../imports/k8s';
import { POD_SECURITY_REASON } from '../core/annotations';
import { protectData } from './argocd-sync';

/** Pod Security Standards level (pod-security.kubernetes.io). */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

export interface PlatformNamespaceProps {
  readonly name: string;
  /** Level enforced by Pod Security admission (and warned at); `audit` is always `restricted`. */
  readonly enforce: PodSecurityLevel;
  /** Holds data (PVCs): deleting the namespace would delete them, so ArgoCD must never prune it. @default false */
  readonly holdsData?: boolean;
  /**
   * Why the level is not `restricted`: which pods need what (often pods an operator creates, which
   * dist/ does not hold and the policy check cannot see). Required below restricted, rendered as the
   * POD_SECURITY_REASON annotation. @default - none: the level is restricted
   */
  readonly reason?: string;
}

/**
 * Pod Security admission labels: `enforce` as given; `warn` at the same level, so that applying a
 * workload whose pods admission will refuse warns at once (a `restricted` warning in a namespace
 * whose reason documents why its pods cannot be restricted would be noise on every write of their
 * operator); `audit` always restricted, so the documented gaps stay in the audit log.
 */
export function podSecurityLabels(enforce: PodSecurityLevel): Record<string, string> {
  return {
    'pod-security.kubernetes.io/enforce': enforce,
    'pod-security.kubernetes.io/warn': enforce,
    'pod-security.kubernetes.io/audit': 'restricted',
  };
}

/** A namespace with Pod Security labels, pinned to the Kubernetes version's policy. */
export class PlatformNamespace extends Construct {
  public readonly resource: KubeNamespace;

  constructor(scope: Construct, id: string, props: PlatformNamespaceProps) {
    super(scope, id);
    if (props.enforce !== 'restricted' && !props.reason)
      throw new Error(
        `namespace ${props.name} enforces '${props.enforce}': give the reason (which pods need it) in PlatformNamespace's reason`,
      );
    this.resource = new KubeNamespace(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: podSecurityLabels(props.enforce),
        ...(props.reason ? { annotations: { [POD_SECURITY_REASON]: props.reason } } : {}),
      },
    });
    if (props.holdsData) protectData(this.resource);
  }
}
