import type { ApplicationProps } from '../../imports/argoproj.io';
import type { Site } from './model';

/** Where ArgoCD runs: its install manifest's namespace, home of every Application. */
export const ARGOCD_NAMESPACE = 'argocd';
/** The cluster ArgoCD runs in, as an Application's destination. */
export const IN_CLUSTER = 'https://kubernetes.default.svc';

/**
 * The root app-of-apps: dist/<site>/argocd, so Applications, project and settings are themselves
 * GitOps-managed. The first control plane's cloud-init applies it (lib/bootstrap/argocd.ts), the
 * argocd app renders it too.
 */
export function rootApplication(site: Site): ApplicationProps {
  return {
    metadata: { name: `${site.name}-root`, namespace: ARGOCD_NAMESPACE },
    spec: {
      project: 'default',
      source: {
        repoUrl: site.gitops.repoURL,
        targetRevision: site.gitops.targetRevision,
        path: `dist/${site.name}/argocd`,
      },
      destination: { server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        retry: { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
      },
    },
  };
}
