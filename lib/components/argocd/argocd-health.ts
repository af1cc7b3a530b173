/**
 * Lua health checks for kinds ArgoCD 2.7 has none for. Without the Application one,
 * sync waves across child Applications order nothing (argo-cd #3781).
 */
export interface HealthCheck {
  readonly group: string;
  readonly kind: string;
  readonly lua: string;
}

export const HEALTH_CHECKS: readonly HealthCheck[] = [
  {
    group: 'argoproj.io',
    kind: 'Application',
    lua: `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil and obj.status.health ~= nil then
  hs.status = obj.status.health.status
  if obj.status.health.message ~= nil then
    hs.message = obj.status.health.message
  end
end
return hs
`,
  },
  {
    group: 'acid.zalan.do',
    kind: 'postgresql',
    lua: `hs = { status = "Progressing", message = "waiting for the postgres-operator" }
if obj.status ~= nil and obj.status.PostgresClusterStatus ~= nil then
  local s = obj.status.PostgresClusterStatus
  hs.message = s
  if s == "Running" then
    hs.status = "Healthy"
  elseif s == "Creating" or s == "Updating" then
    hs.status = "Progressing"
  else
    hs.status = "Degraded"
  end
end
return hs
`,
  },
  {
    group: 'ceph.rook.io',
    kind: 'CephCluster',
    lua: `hs = { status = "Progressing", message = "waiting for the Rook operator" }
if obj.status ~= nil then
  local health = nil
  if obj.status.ceph ~= nil then
    health = obj.status.ceph.health
  end
  if obj.status.phase == "Failure" or health == "HEALTH_ERR" then
    hs.status = "Degraded"
    hs.message = obj.status.message or health or "Failure"
  elseif obj.status.phase == "Ready" and (health == "HEALTH_OK" or health == "HEALTH_WARN") then
    hs.status = "Healthy"
    hs.message = health
  else
    hs.message = obj.status.phase or ""
  end
end
return hs
`,
  },
];
