import { dump } from 'js-yaml';
import { WAVES } from '../constructs/argocd-sync';
import { IMAGES, VERSIONS } from '../site/versions';
import type { ExternalApp } from './argocd';

/**
 * The MinIO operator v5.0.6 from its pinned upstream Helm chart (operator.min.io), CRDs included:
 * its Deployment and RBAC are not among the pinned files this project renders from. The Tenant
 * it reconciles is ours (dist/<site>/minio), validated against the pinned Tenant CRD.
 */
export function minioOperatorApp(): ExternalApp {
  const version = VERSIONS.minioOperator.replace(/^v/, '');
  return {
    name: 'minio-operator',
    wave: WAVES.operators,
    namespace: 'minio-operator',
    description: `MinIO operator ${VERSIONS.minioOperator} (upstream Helm chart)`,
    source: {
      repoUrl: 'https://operator.min.io',
      chart: 'operator',
      targetRevision: version,
      helm: {
        releaseName: 'minio-operator',
        values: dump({
          operator: {
            // limits, which the chart leaves out
            resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
            containerSecurityContext: {
              runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true, allowPrivilegeEscalation: false,
              capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
            },
          },
        }),
      },
    },
    clusterKinds: [
      'apiextensions.k8s.io/CustomResourceDefinition',
      'rbac.authorization.k8s.io/ClusterRole',
      'rbac.authorization.k8s.io/ClusterRoleBinding',
    ],
    // the console's ServiceAccount token Secret and environment ConfigMap come with the chart
    namespacedKinds: ['/ConfigMap', '/Secret', '/Service', '/ServiceAccount', 'apps/Deployment'],
    podSecurity: 'restricted',
    // its CRDs come with the chart: the Tenant CRD is too big for client-side apply
    serverSideApply: true,
    images: [IMAGES.minioOperator],
  };
}
