import { dump } from 'js-yaml';
import { WAVES } from '../constructs/argocd-sync';
import { VERSIONS } from '../site/versions';
import type { ExternalApp } from './argocd';

export const CERT_MANAGER_NAMESPACE = 'cert-manager';

/**
 * cert-manager from its pinned upstream Helm chart (charts.jetstack.io, the runbook's install),
 * with its CRDs: it issues the certificate of Rook's admission webhook. Delivered as an upstream
 * chart rather than synthesized: its manifests are not among the pinned files this project renders from.
 */
export function certManagerApp(): ExternalApp {
  const v = VERSIONS.certManager;
  return {
    name: 'cert-manager',
    wave: WAVES.crds,
    namespace: CERT_MANAGER_NAMESPACE,
    description: `cert-manager ${v} (upstream Helm chart) for Rook's admission webhook`,
    source: {
      repoUrl: 'https://charts.jetstack.io',
      chart: 'cert-manager',
      targetRevision: v,
      helm: {
        releaseName: 'cert-manager',
        values: dump({
          installCRDs: true,
          // leader election in its own namespace, not kube-system: the project grants no more
          global: { leaderElection: { namespace: CERT_MANAGER_NAMESPACE } },
        }),
      },
    },
    clusterKinds: [
      'apiextensions.k8s.io/CustomResourceDefinition',
      'rbac.authorization.k8s.io/ClusterRole',
      'rbac.authorization.k8s.io/ClusterRoleBinding',
      'admissionregistration.k8s.io/MutatingWebhookConfiguration',
      'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
    ],
    // startupapicheck is a Helm hook Job, which ArgoCD runs as a PostSync hook
    namespacedKinds: ['/ConfigMap', '/Service', '/ServiceAccount', 'apps/Deployment', 'batch/Job', 'rbac.authorization.k8s.io/Role', 'rbac.authorization.k8s.io/RoleBinding'],
    podSecurity: 'restricted',
    // its CRDs come with the chart (installCRDs): too big for client-side apply
    serverSideApply: true,
    images: ['controller', 'webhook', 'cainjector', 'ctl'].map((c) => `quay.io/jetstack/cert-manager-${c}:${v}`),
  };
}
