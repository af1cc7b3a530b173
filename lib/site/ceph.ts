/** Ceph storage by Rook on the nodes with role 'storage' (rendered by the Rook charts). */
export interface CephSpec {
  /** Name of the RBD StorageClass Postgres volumes use. @default 'rook-ceph-block' */
  readonly blockStorageClass?: string;
}

export const CEPH_BLOCK_STORAGE_CLASS = 'rook-ceph-block';
