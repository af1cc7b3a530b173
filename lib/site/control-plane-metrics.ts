/**
 * How Prometheus scrapes kube-scheduler and kube-controller-manager on kubeadm, in one place for
 * both sides (kube-prometheus' documented kubeadm fix: docs/kube-prometheus-on-kubeadm.md,
 * jsonnet/kube-prometheus/platforms/kubeadm.libsonnet): kubeadm binds them to 127.0.0.1, so the
 * ClusterConfiguration (lib/bootstrap/kubeadm.ts) binds them to every address, and the kube-system
 * Services that kube-prometheus' ServiceMonitors select (lib/components/monitoring/kube-prometheus.ts) are rendered.
 * Their secure ports still authenticate and authorize every request (Prometheus' token may read /metrics).
 */
export interface ControlPlaneMetrics {
  /** The static pod's `component` label and the ServiceMonitor's `app.kubernetes.io/name`. */
  readonly component: 'kube-controller-manager' | 'kube-scheduler';
  /** Its secure port (the default of --secure-port). */
  readonly port: number;
  /** The key of its flags in the ClusterConfiguration. */
  readonly kubeadmKey: 'controllerManager' | 'scheduler';
}

export const CONTROL_PLANE_METRICS: readonly ControlPlaneMetrics[] = [
  { component: 'kube-controller-manager', port: 10257, kubeadmKey: 'controllerManager' },
  { component: 'kube-scheduler', port: 10259, kubeadmKey: 'scheduler' },
];

/** The port name kube-prometheus' ServiceMonitors scrape. */
export const METRICS_PORT_NAME = 'https-metrics';

/** The `--bind-address` a scraped component needs: every address (the node's own is not known cluster-wide). */
export const METRICS_BIND_ADDRESS = '0.0.0.0';
