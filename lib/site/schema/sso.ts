import { z } from 'zod';
import { SecretKeyRefSchema } from '../schema-kit';

/**
 * ArgoCD's single sign-on through an OpenID Connect provider (argo-cd docs, operator-manual/user-management
 * "Existing OIDC Provider"): with it, the local `admin` account is disabled (`admin.enabled: "false"` in argocd-cm)
 * and the provider's groups map to ArgoCD roles (argocd-rbac-cm). The client secret is read by reference.
 */
export const ArgoCdSsoSchema = z
  .strictObject({
    url: z
      .string()
      .describe(
        "ArgoCD's external URL (argocd-cm url), https: the provider redirects to <url>/auth/callback, e.g. 'https://argocd.example.org'",
      ),
    oidc: z
      .strictObject({
        name: z.string().describe("The login button's label, e.g. 'Keycloak'"),
        issuer: z
          .string()
          .describe("The provider's issuer URL (https), e.g. 'https://sso.example.org/realms/platform'"),
        clientID: z.string().describe("ArgoCD's client ID at the provider"),
        clientSecret: SecretKeyRefSchema.describe(
          "The client secret: a Secret in namespace argocd labelled app.kubernetes.io/part-of: argocd, created at deploy time (never in git); ArgoCD reads it as '$<name>:<key>'",
        ),
        requestedScopes: z
          .array(z.string())
          .optional()
          .describe(
            "Scopes asked for; the groups claim must come with them. Default: ['openid', 'profile', 'email', 'groups']",
          ),
      })
      .describe('The OpenID Connect provider (argocd-cm oidc.config)'),
    adminGroups: z
      .array(z.string())
      .min(1)
      .describe("Groups of the ID token's groups claim given ArgoCD's role:admin; everyone else gets no access"),
  })
  .describe(
    'Single sign-on for ArgoCD (OIDC); its local admin account is then disabled. Required when ArgoCD is exposed on a load balancer. Default: none, only the local admin (port-forward): docs/security.md#local-admin-and-sso',
  );
export type ArgoCdSsoSpec = z.infer<typeof ArgoCdSsoSchema>;
