import { CertManagerChart } from './cert-manager';
import { WAVES } from '../../constructs/argocd-sync';
import { resolveSite } from '../../site/resolve';
import type { Component } from '../component';

/** cert-manager, for the certificate of Rook's admission webhook (ceph.certManager). */
export const certManager: Component = {
  name: 'cert-manager',
  summary: "cert-manager, for the certificate of Rook's admission webhook",
  enabledWhen: '`ceph.certManager`',
  waves: { 'cert-manager': WAVES.crds },
  enabled: (site) => resolveSite(site).ceph?.certManager === true,
  charts: (app, site) => {
    const { catalog, upstream } = resolveSite(site);
    return [
      new CertManagerChart(app, 'cert-manager', {
        version: catalog.versions.certManager,
        chart: upstream.charts.certManager,
        acmeSolverImage: catalog.images.certManagerAcmeSolver,
      }),
    ];
  },
};
