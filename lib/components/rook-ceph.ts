import { RookCephClusterChart } from '../charts/rook-ceph-cluster';
import { RookCephOperatorChart } from '../charts/rook-ceph-operator';
import type { Component } from './component';

/** Rook Ceph: the operator, then the CephCluster on the storage nodes, its block pool and StorageClass. */
export const rookCeph: Component = {
  name: 'rook-ceph',
  enabled: (site) => site.ceph !== undefined,
  charts: (app, site) => (site.ceph ? [new RookCephOperatorChart(app, site, site.ceph), new RookCephClusterChart(app, site, site.ceph)] : []),
};
