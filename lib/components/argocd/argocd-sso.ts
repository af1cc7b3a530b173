import { dump } from 'js-yaml';
import type { Site } from '../../site/model';
import type { ArgoCdSsoSpec } from '../../site/schema/sso';
import type { SiteIssue } from '../../site/issues';
import { exposedOf } from '../../site/load-balancers';

/** Scopes asked of the provider when the site names none: the groups claim maps to roles. */
const DEFAULT_SCOPES = ['openid', 'profile', 'email', 'groups'];

/**
 * The argocd-cm keys of single sign-on (argo-cd docs, operator-manual/user-management "Existing OIDC Provider"):
 * the external URL, the provider with its client secret as a `$<secret>:<key>` reference (ArgoCD reads that key of
 * a Secret labelled app.kubernetes.io/part-of: argocd), and the local admin account disabled.
 */
export function ssoSettings(sso: ArgoCdSsoSpec | undefined): Record<string, string> {
  if (!sso) return {};
  const { oidc } = sso;
  return {
    url: sso.url,
    'oidc.config': dump(
      {
        name: oidc.name,
        issuer: oidc.issuer,
        clientID: oidc.clientID,
        clientSecret: `$${oidc.clientSecret.name}:${oidc.clientSecret.key}`,
        requestedScopes: oidc.requestedScopes ?? DEFAULT_SCOPES,
      },
      { lineWidth: -1, noRefs: true },
    ),
    'admin.enabled': 'false',
  };
}

/**
 * The argocd-rbac-cm data under single sign-on: the admin groups get role:admin, everyone else nothing
 * (policy.default empty, ArgoCD's own default), the groups read from the ID token's `groups` claim.
 */
export function ssoPolicy(sso: ArgoCdSsoSpec): Record<string, string> {
  return {
    'policy.csv': sso.adminGroups.map((g) => `g, ${g}, role:admin\n`).join(''),
    'policy.default': '',
    scopes: '[groups]',
  };
}

const HTTPS_URL = /^https:\/\/[^\s/]+(\/\S*)?$/;

/**
 * Single sign-on's URLs are https, and an ArgoCD exposed on a load balancer has it: its local admin account (a
 * generated password in argocd-initial-admin-secret, no second factor) is not left facing a network.
 */
export function ssoIssues(site: Site): SiteIssue[] {
  const sso = site.gitops.sso;
  const issues: SiteIssue[] = [];
  if (sso && !HTTPS_URL.test(sso.url))
    issues.push({
      path: 'gitops.sso.url',
      message: `'${sso.url}' is not an https URL: ArgoCD's external address as users reach it, e.g. 'https://argocd.example.org'`,
    });
  if (sso && !HTTPS_URL.test(sso.oidc.issuer))
    issues.push({
      path: 'gitops.sso.oidc.issuer',
      message: `'${sso.oidc.issuer}' is not an https URL: the provider's issuer, e.g. 'https://sso.example.org/realms/platform'`,
    });
  if (!sso && exposedOf(site.loadBalancers).includes('argocd'))
    issues.push({
      path: 'loadBalancers.expose.argocd',
      message:
        "ArgoCD on a load balancer would keep its local admin account (one generated password, no second factor): configure single sign-on in gitops.sso (OIDC; admin is then disabled), or drop the option and reach ArgoCD through 'kubectl port-forward'",
    });
  return issues;
}
