import { argocd } from './argocd';
import { cephObjectStore } from './ceph-object-store';
import { certManager } from './cert-manager';
import { fleet } from './fleet';
import type { Component } from './component';
import { kubernetes } from './kubernetes';
import { metallb } from './metallb';
import { minio } from './minio';
import { monitoring } from './monitoring';
import { postgresClusters } from './postgres-clusters';
import { postgresOperator } from './postgres-operator';
import { rookCeph } from './rook-ceph';

/**
 * Every platform component, one file each: adding one is its file plus a line here. The order is
 * the charts' (ArgoCD's Applications follow their waves, not this order); argocd comes last since
 * it lists the Applications of the charts before it.
 */
export const COMPONENTS: readonly Component[] = [
  kubernetes,
  certManager,
  rookCeph,
  minio,
  postgresOperator,
  postgresClusters,
  cephObjectStore,
  monitoring,
  metallb,
  fleet,
  argocd,
];

/** The components a site runs, in registry order. */
export const enabledComponents = (site: Parameters<Component['enabled']>[0]): Component[] =>
  COMPONENTS.filter((c) => c.enabled(site));
