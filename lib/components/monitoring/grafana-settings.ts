import type { EnvVar } from '../../../imports/k8s';

/** The Secret of Grafana's admin account when the site names none. */
export const DEFAULT_GRAFANA_ADMIN_SECRET = 'grafana-admin';

/** The hardening settings, each as its `GF_<SECTION>_<KEY>` override (see grafanaEnv). */
const HARDENING: Readonly<Record<string, string>> = {
  GF_AUTH_ANONYMOUS_ENABLED: 'false',
  GF_USERS_ALLOW_SIGN_UP: 'false',
  GF_SECURITY_DISABLE_GRAVATAR: 'true',
  GF_SECURITY_COOKIE_SAMESITE: 'strict',
  GF_SNAPSHOTS_EXTERNAL_ENABLED: 'false',
  GF_ANALYTICS_REPORTING_ENABLED: 'false',
  GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
};

/**
 * Grafana's settings beyond upstream's grafana.ini, as the environment overrides Grafana reads at start
 * (`GF_<SECTION>_<KEY>`, grafana.com/docs "Configure Grafana: override configuration with environment variables"),
 * visible in the Deployment:
 * - the admin account from a Secret (keys `admin-user`, `admin-password`, the Grafana chart's names), never
 *   admin/admin: its database lives in an emptyDir, so every new pod creates the admin again, from the Secret; a
 *   missing Secret keeps Grafana from starting rather than starting it with the default password;
 * - no anonymous access, no sign-up, no Gravatar lookups (each avatar an outbound request
 *   carrying a hash of the user's e-mail), no external snapshots (published to snapshots.raintank.io), no usage
 *   reporting or update checks (outbound calls, refused on an air-gapped site anyway);
 * - session cookies `SameSite=strict`. `cookie_secure` is not set: Grafana serves plain HTTP here, and a browser
 *   does not send a secure cookie over it (the login would never stick); set it with TLS in front.
 */
export function grafanaEnv(adminSecret: string): EnvVar[] {
  const fromSecret = (name: string, key: string): EnvVar => ({
    name,
    valueFrom: { secretKeyRef: { name: adminSecret, key } },
  });
  return [
    fromSecret('GF_SECURITY_ADMIN_USER', 'admin-user'),
    fromSecret('GF_SECURITY_ADMIN_PASSWORD', 'admin-password'),
    ...Object.entries(HARDENING).map(([name, value]) => ({ name, value })),
  ];
}
