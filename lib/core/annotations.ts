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

/** ArgoCD reads a Secret carrying this label with the value `cluster` as a cluster it may deploy to. */
export const ARGOCD_SECRET_TYPE = 'argocd.argoproj.io/secret-type';
/** The site a fleet object (a hub's cluster Secret, a generated Application) stands for. */
export const FLEET_SITE = 'pg-platform.io/site';
/** The rollout stage of a generated Application (lab, staging, production): what RollingSync steps select. */
export const FLEET_STAGE = 'pg-platform.io/stage';
/**
 * The sync wave of a generated Application as a label value (RollingSync steps select labels; a label value cannot
 * start with '-', so wave -1 is `m1`).
 */
export const FLEET_WAVE = 'pg-platform.io/sync-wave';
