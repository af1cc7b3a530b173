/** The taint effects Kubernetes knows (core/v1 Taint.effect). */
export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
export type TaintEffect = (typeof TAINT_EFFECTS)[number];

/** A node taint: what the site's roles put on a node, kubeadm registers and the scheduler model reads. */
export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: TaintEffect;
}
