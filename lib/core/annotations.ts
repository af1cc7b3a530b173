/**
 * Annotation keys the rendering writes and the checks, verify and the report read: one name each.
 */

/** ArgoCD v2.7 per-resource sync options (`Prune=false,Delete=false`…). */
export const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
/** ArgoCD's sync wave of an object. */
export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

/** A pod that must run as root says why in this template annotation; the policy check then warns with the reason. */
export const ROOT_REASON = 'pg-platform.io/runs-as-root';

/** Why a namespace enforces less than Pod Security `restricted` (the policy check requires it). */
export const POD_SECURITY_REASON = 'pg-platform.io/pod-security-reason';
