import { CertManagerChart } from '../charts/cert-manager';
import { resolveSite } from '../site/resolve';
import type { Component } from './component';

/** cert-manager, for the certificate of Rook's admission webhook (ceph.certManager). */
export const certManager: Component = {
  name: 'cert-manager',
  enabled: (site) => resolveSite(site).ceph?.certManager === true,
  charts: (app, site) => [new CertManagerChart(app, site)],
};
