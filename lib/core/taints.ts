/** The taint effects Kubernetes knows (core/v1 Taint.effect). */
type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

/** A node taint: what the site's roles put on a node, kubeadm registers and the scheduler model reads. */
export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: TaintEffect;
}
