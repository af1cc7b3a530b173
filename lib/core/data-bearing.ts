import { SYNC_OPTIONS } from './annotations';
import { groupKind, type KubeObject } from './objects';

/**
 * Objects whose deletion deletes data: a `postgresql` CR takes its PVCs with it, a CephCluster
 * or pool its OSD data, a Tenant its volumes. A Namespace holding any of them is data-bearing
 * too: deleting it deletes everything inside.
 */
const DATA_KINDS: ReadonlySet<string> = new Set([
  'acid.zalan.do/postgresql',
  'ceph.rook.io/CephCluster',
  'ceph.rook.io/CephBlockPool',
  'ceph.rook.io/CephFilesystem',
  'ceph.rook.io/CephObjectStore',
  'minio.min.io/Tenant',
  '/PersistentVolumeClaim',
  '/PersistentVolume',
]);

/** Namespaces that hold a data-bearing object of the tree. */
export function dataNamespaces(objects: readonly KubeObject[]): Set<string> {
  return new Set(
    objects.filter((o) => DATA_KINDS.has(groupKind(o)) && o.metadata.namespace).map((o) => o.metadata.namespace!),
  );
}

export function isDataBearing(obj: KubeObject, namespacesWithData: ReadonlySet<string>): boolean {
  return (
    DATA_KINDS.has(groupKind(obj)) || (groupKind(obj) === '/Namespace' && namespacesWithData.has(obj.metadata.name))
  );
}

/** ArgoCD neither prunes it nor deletes it with its Application. */
export function isProtected(obj: KubeObject): boolean {
  const options = (obj.metadata.annotations?.[SYNC_OPTIONS] ?? '').split(',').map((o) => o.trim());
  return options.includes('Prune=false') && options.includes('Delete=false');
}
