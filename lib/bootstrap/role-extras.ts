import type { NodeRole, SiteNode } from '../site/model';

/** What a role needs on the host besides Kubernetes itself. */
export interface HostExtras {
  readonly packages: readonly string[];
  readonly kernelModules: readonly string[];
}

/**
 * Rook/Ceph: OSDs on raw devices need lvm2 (Rook prerequisites), and the Ceph CSI driver maps
 * RBD images with the kernel's rbd module. MinIO: mkfs.xfs for its local volumes.
 */
const ROLE_HOST_EXTRAS: Readonly<Partial<Record<NodeRole, HostExtras>>> = {
  storage: { packages: ['lvm2'], kernelModules: ['rbd'] },
  // the kubelet formats MinIO's local volumes as XFS on first mount
  s3: { packages: ['xfsprogs'], kernelModules: [] },
};

export function hostExtras(node: SiteNode): HostExtras {
  const extras = node.roles.flatMap((r) => (ROLE_HOST_EXTRAS[r] ? [ROLE_HOST_EXTRAS[r]] : []));
  return {
    packages: [...new Set(extras.flatMap((e) => e.packages))],
    kernelModules: [...new Set(extras.flatMap((e) => e.kernelModules))],
  };
}
