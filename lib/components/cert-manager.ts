import { CertManagerChart } from '../charts/cert-manager';
import { cephOf } from '../site/ceph';
import type { Component } from './component';

/** cert-manager, for the certificate of Rook's admission webhook (ceph.certManager). */
export const certManager: Component = {
  name: 'cert-manager',
  enabled: (site) => site.ceph !== undefined && cephOf(site, site.ceph).certManager,
  charts: (app, site) => [new CertManagerChart(app, site)],
};
