/**
 * How Prometheus scrapes kube-scheduler and kube-controller-manager on kubeadm, in one place for
 * both sides: kubeadm binds them to 127.0.0.1 (CIS 1.3.7, 1.4.2), which no Prometheus reaches.
 * kube-prometheus' documented kubeadm fix (docs/kube-prometheus-on-kubeadm.md) binds them to every
 * address; here each control plane binds them to its own address instead, by a kubeadm patch of their
 * static Pods (lib/bootstrap/kubeadm.ts controlPlanePatches), and the kube-system Services that
 * kube-prometheus' ServiceMonitors select (lib/components/monitoring/kube-prometheus.ts) are rendered.
 * Their secure ports still authenticate and authorize every request (Prometheus' token may read /metrics).
 */
export interface ControlPlaneMetrics {
  /** The static pod's `component` label, the ServiceMonitor's `app.kubernetes.io/name` and kubeadm's patch target. */
  readonly component: 'kube-controller-manager' | 'kube-scheduler';
  /** Its secure port (the default of --secure-port). */
  readonly port: number;
}

export const CONTROL_PLANE_METRICS: readonly ControlPlaneMetrics[] = [
  { component: 'kube-controller-manager', port: 10257 },
  { component: 'kube-scheduler', port: 10259 },
];

/** The port name kube-prometheus' ServiceMonitors scrape. */
export const METRICS_PORT_NAME = 'https-metrics';

/** kubeadm's `--bind-address` of both, written explicitly: loopback (CIS 1.3.7, 1.4.2). */
export const LOOPBACK_BIND_ADDRESS = '127.0.0.1';
