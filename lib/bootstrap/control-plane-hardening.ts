import { dump } from 'js-yaml';
import { file, type WriteFile } from './cloud-config';
import { placeholder } from './secrets';

/**
 * What the CIS Kubernetes Benchmark and the NSA/CISA guide ask of a kubeadm control plane beyond
 * kubeadm's defaults, in one place: Secrets encrypted at rest in etcd, an audit log, no profiling
 * endpoints, and kubelets that only serve authenticated, authorized clients over strong ciphers.
 */

/** Read by the API server only: root-owned, 0600, mounted read-only into its static Pod. */
const ENCRYPTION_DIR = '/etc/kubernetes/encryption';
export const ENCRYPTION_CONFIG = `${ENCRYPTION_DIR}/config.yaml`;
const AUDIT_POLICY_DIR = '/etc/kubernetes/audit';
export const AUDIT_POLICY = `${AUDIT_POLICY_DIR}/policy.yaml`;
const AUDIT_LOG_DIR = '/var/log/kubernetes/audit';

/**
 * Secrets encrypted with secretbox (XSalsa20 and Poly1305, the strongest local provider: "secretbox
 * [...] Strongest", kubernetes.io/docs/tasks/administer-cluster/encrypt-data) under a 32-byte key that
 * is a `host-config` placeholder like the join token: the same value on every control plane (each API
 * server must read what another wrote). `identity` last, so Secrets written before still read.
 */
function encryptionConfiguration(): string {
  return dump(
    {
      apiVersion: 'apiserver.config.k8s.io/v1',
      kind: 'EncryptionConfiguration',
      resources: [
        {
          resources: ['secrets'],
          providers: [
            { secretbox: { keys: [{ name: 'key1', secret: placeholder('encryptionKey') }] } },
            { identity: {} },
          ],
        },
      ],
    },
    { lineWidth: -1, noRefs: true },
  );
}

/**
 * The audit policy: no body of Secrets, ConfigMaps or tokens ever (Metadata only: who read or wrote
 * which), request bodies of every other write, metadata of reads; the noisy, harmless reads of the
 * components' own health and leases skipped. Rules are ordered: the first match wins.
 */
function auditPolicy(): string {
  return dump(
    {
      apiVersion: 'audit.k8s.io/v1',
      kind: 'Policy',
      omitStages: ['RequestReceived'],
      rules: [
        { level: 'None', nonResourceURLs: ['/healthz*', '/livez*', '/readyz*', '/version', '/metrics'] },
        {
          level: 'None',
          verbs: ['get', 'list', 'watch'],
          resources: [
            { group: 'coordination.k8s.io', resources: ['leases'] },
            { group: '', resources: ['events'] },
          ],
        },
        {
          level: 'Metadata',
          resources: [
            { group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] },
            { group: 'authentication.k8s.io', resources: ['tokenreviews'] },
          ],
        },
        { level: 'Request', verbs: ['create', 'update', 'patch', 'delete', 'deletecollection'] },
        { level: 'Metadata' },
      ],
    },
    { lineWidth: -1, noRefs: true },
  );
}

/** The files every control plane writes before kubeadm runs (the API server reads them at start). */
export function controlPlaneFiles(): WriteFile[] {
  return [file(ENCRYPTION_CONFIG, encryptionConfiguration(), '0600'), file(AUDIT_POLICY, auditPolicy(), '0600')];
}

interface HostPathMount {
  readonly name: string;
  readonly hostPath: string;
  readonly mountPath: string;
  readonly readOnly: boolean;
  readonly pathType: 'DirectoryOrCreate' | 'File';
}

/** The API server's part of the ClusterConfiguration (`apiServer`). */
export function apiServerHardening(): {
  readonly extraArgs: Readonly<Record<string, string>>;
  readonly extraVolumes: readonly HostPathMount[];
} {
  return {
    extraArgs: {
      'encryption-provider-config': ENCRYPTION_CONFIG,
      'audit-policy-file': AUDIT_POLICY,
      'audit-log-path': `${AUDIT_LOG_DIR}/audit.log`,
      // CIS 1.2.17-1.2.19: kept 30 days, 10 files of 100 MB
      'audit-log-maxage': '30',
      'audit-log-maxbackup': '10',
      'audit-log-maxsize': '100',
      profiling: 'false',
    },
    extraVolumes: [
      {
        name: 'encryption',
        hostPath: ENCRYPTION_DIR,
        mountPath: ENCRYPTION_DIR,
        readOnly: true,
        pathType: 'DirectoryOrCreate',
      },
      { name: 'audit-policy', hostPath: AUDIT_POLICY, mountPath: AUDIT_POLICY, readOnly: true, pathType: 'File' },
      {
        name: 'audit-log',
        hostPath: AUDIT_LOG_DIR,
        mountPath: AUDIT_LOG_DIR,
        readOnly: false,
        pathType: 'DirectoryOrCreate',
      },
    ],
  };
}

/** No profiling endpoints on the controller manager and the scheduler (CIS 1.3.2, 1.4.1). */
export const COMPONENT_HARDENING: Readonly<Record<string, string>> = { profiling: 'false' };

/**
 * Kubelet settings of the CIS benchmark's section 4.2 that kubeadm leaves to their defaults or does not
 * set, written explicitly so a review reads them: no anonymous access, webhook authorization, no
 * read-only port, client certificate rotation, idle streaming connections closed after 5 minutes, and
 * the AEAD cipher suites only. Not set: `protectKernelDefaults` (it needs the node's kernel tunables
 * preset; the kubelet refuses to start otherwise) and `serverTLSBootstrap` (its serving certificates
 * need an approver for their CSRs).
 */
export const KUBELET_HARDENING = {
  authentication: { anonymous: { enabled: false }, webhook: { enabled: true } },
  authorization: { mode: 'Webhook' },
  readOnlyPort: 0,
  rotateCertificates: true,
  streamingConnectionIdleTimeout: '5m0s',
  tlsCipherSuites: [
    'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
    'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
    'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
    'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
  ],
} as const;
