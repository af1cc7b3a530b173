import type { SiteIssue } from './issues';

/**
 * The name rules of Kubernetes and of the upstream components, each written once, each message
 * quoting the rule that refuses the name. Each check returns the issues of one field.
 */

/** Kubernetes' DNS-1123 label (k8s.io/apimachinery validation.IsDNS1123Label): node names, namespaces, Secret names. */
export const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** DNS-1123 subdomain (validation.IsDNS1123Subdomain): dot-separated labels, at most 253 characters in all. */
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isDnsLabel(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && DNS_1123_LABEL.test(value);
}

export function isDnsSubdomain(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= 253 &&
    DNS_1123_SUBDOMAIN.test(value) &&
    value.split('.').every((l) => l.length <= 63)
  );
}

export function dnsLabelIssues(path: string, value: string, what: string): SiteIssue[] {
  return isDnsLabel(value)
    ? []
    : [
        {
          path,
          message: `${what} '${value}' is not a DNS-1123 label: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit`,
        },
      ];
}

/** A Secret the site references by name (created at deploy time): a DNS-1123 subdomain, or none when undefined. */
export function secretNameIssues(path: string, value: string | undefined, example: string): SiteIssue[] {
  return value === undefined || isDnsSubdomain(value)
    ? []
    : [
        {
          path,
          message: `'${value}' is not a Secret name (a DNS-1123 subdomain: lower-case letters, digits, '-' and '.'), e.g. '${example}'`,
        },
      ];
}

/** Kubernetes' own namespaces ("Kubernetes starts with four initial namespaces"); `kube-` is reserved for more. */
const SYSTEM_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'] as const;

/** A namespace the site creates and owns: a DNS-1123 label that is not one of Kubernetes' own. */
export function namespaceIssues(path: string, value: string): SiteIssue[] {
  const label = dnsLabelIssues(path, value, 'namespace');
  if (label.length > 0) return label;
  if ((SYSTEM_NAMESPACES as readonly string[]).includes(value) || value.startsWith('kube-')) {
    return [
      {
        path,
        message: `namespace '${value}' belongs to Kubernetes ("Kubernetes starts with four initial namespaces: default, kube-node-lease, kube-public, kube-system"; "avoid creating namespaces with the prefix kube-, since it is reserved for Kubernetes system namespaces"): the site would share it with the cluster's own objects and prune them; pick a namespace of its own, e.g. 'postgres'`,
      },
    ];
  }
  return [];
}

/**
 * The operator's cluster name rule (pkg/apis/acid.zalan.do/v1/const.go, util.go ExtractClusterName): DNS-1035, at most
 * 63 - len("-repl").
 */
export const ZALANDO_CLUSTER_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const ZALANDO_CLUSTER_NAME_MAX = 63 - '-repl'.length;

export function clusterNameIssues(path: string, name: string, teamId: string): SiteIssue[] {
  if (!name.startsWith(`${teamId}-`) || name.length < teamId.length + 2) {
    return [
      {
        path,
        message: `cluster name '${name}' must start with its team id: the operator rejects it ("name must match {TEAM}-{NAME} format"); rename it '${teamId}-${name}'`,
      },
    ];
  }
  if (name.length > ZALANDO_CLUSTER_NAME_MAX) {
    return [
      {
        path,
        message: `cluster name '${name}' has ${name.length} characters: the operator refuses it ("name cannot be longer than ${ZALANDO_CLUSTER_NAME_MAX} characters", room for the '-repl' Service): shorten it`,
      },
    ];
  }
  if (!ZALANDO_CLUSTER_NAME.test(name)) {
    return [
      {
        path,
        message: `cluster name '${name}' is refused by the operator ("name must confirm to DNS-1035, regex used for validation is \\"${ZALANDO_CLUSTER_NAME.source}\\""): use lower-case letters, digits and '-', starting with a letter`,
      },
    ];
  }
  return [];
}

/** The operator's user name rule (pkg/cluster/cluster.go userRegexp). */
const ZALANDO_USER_NAME = /^[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*$/;
/**
 * Roles the operator will not create from a manifest: its super_username and replication_username (the shipped
 * ConfigMap's postgres, standby), and protected_role_names ("The default list is admin and cron_admin").
 */
const ZALANDO_SYSTEM_USERS = ['postgres', 'standby'] as const;
const ZALANDO_PROTECTED_USERS = ['admin', 'cron_admin'] as const;

export function userNameIssues(path: string, user: string): SiteIssue[] {
  if (!ZALANDO_USER_NAME.test(user)) {
    return [
      {
        path,
        message: `user '${user}' is refused by the operator ("invalid username", userRegexp ${ZALANDO_USER_NAME.source}): use lower-case letters, digits, '_' and '-'`,
      },
    ];
  }
  if ((ZALANDO_SYSTEM_USERS as readonly string[]).includes(user)) {
    return [
      {
        path,
        message: `user '${user}' is the operator's own (super_username or replication_username): it skips it ("cannot initialize a new manifest robot role with the name of the system user"); pick another name`,
      },
    ];
  }
  if ((ZALANDO_PROTECTED_USERS as readonly string[]).includes(user)) {
    return [
      {
        path,
        message: `user '${user}' is a protected role (protected_role_names, "The default list is admin and cron_admin"): the operator skips it ("cannot initialize a new manifest robot role with the name of the protected user"); pick another name`,
      },
    ];
  }
  return [];
}

/** The operator's database name rule (pkg/cluster/cluster.go databaseNameRegexp). */
const ZALANDO_DATABASE_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function databaseNameIssues(path: string, db: string): SiteIssue[] {
  return ZALANDO_DATABASE_NAME.test(db)
    ? []
    : [
        {
          path,
          message: `database '${db}' is refused by the operator ("invalid database name", databaseNameRegexp ${ZALANDO_DATABASE_NAME.source}): use letters, digits and '_', not starting with a digit`,
        },
      ];
}

/**
 * S3 bucket naming (AWS "General purpose bucket naming rules", which MinIO applies): 3 to 63
 * characters; lower-case letters, numbers, dots and hyphens; begin and end with a letter or
 * number; no two adjacent periods; not formatted as an IP address; not starting with 'xn--' nor
 * ending with '-s3alias'.
 */
export function bucketNameIssues(path: string, bucket: string): SiteIssue[] {
  const rule = (why: string) => [
    { path, message: `'${bucket}' is not an S3 bucket name (${why}): S3 and MinIO refuse it` },
  ];
  if (bucket.length < 3 || bucket.length > 63)
    return rule('"Bucket names must be between 3 (min) and 63 (max) characters long"');
  if (!/^[a-z0-9.-]+$/.test(bucket))
    return rule('"Bucket names can consist only of lowercase letters, numbers, dots (.), and hyphens (-)"');
  if (!/^[a-z0-9].*[a-z0-9]$/.test(bucket)) return rule('"Bucket names must begin and end with a letter or number"');
  if (bucket.includes('..')) return rule('"Bucket names must not contain two adjacent periods"');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(bucket)) return rule('"Bucket names must not be formatted as an IP address"');
  if (bucket.startsWith('xn--') || bucket.endsWith('-s3alias'))
    return rule('"Bucket names must not start with the prefix xn--" nor "end with the suffix -s3alias"');
  return [];
}

/** A StorageClass a field uses must be one the site provides (a PVC of another class never binds). */
export function providedClassIssues(path: string, name: string, provided: readonly string[], fix: string): SiteIssue[] {
  if (provided.includes(name)) return [];
  return [
    {
      path,
      message: `StorageClass '${name}' is not provided by this site (${provided.length ? `it has ${provided.join(', ')}` : 'it has none'}): ${fix}`,
    },
  ];
}
