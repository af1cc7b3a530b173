/**
 * The secrets of the bootstrap (kubeadm's, and the key of Secrets at rest). Committed user-data holds `<ENV_NAME>`
 * placeholders; `npm run host-config` fills them into a git-ignored copy.
 */
export interface BootstrapSecret {
  /** Environment variable (or `--secrets` file key) holding the value. */
  readonly env: string;
  readonly what: string;
  readonly pattern: RegExp;
  /** How to get a value, as an instruction. */
  readonly how: string;
}

export const SECRETS = {
  token: {
    env: 'KUBEADM_TOKEN',
    what: 'the bootstrap token, [a-z0-9]{6}.[a-z0-9]{16}',
    pattern: /^[a-z0-9]{6}\.[a-z0-9]{16}$/,
    how: "generate one with 'kubeadm token generate' before the control plane boots (its kubeadm init creates it, valid 2h); later, create one with 'kubeadm token create' on the control plane",
  },
  caCertHash: {
    env: 'KUBEADM_CA_CERT_HASH',
    what: "the cluster CA's public key hash, sha256:<64 hex digits>",
    pattern: /^sha256:[a-f0-9]{64}$/,
    how: "read it on the control plane once kubeadm init is done: openssl x509 -pubkey -in /etc/kubernetes/pki/ca.crt | openssl rsa -pubin -outform der 2>/dev/null | openssl dgst -sha256 -hex | sed 's/^.* /sha256:/'",
  },
  certificateKey: {
    env: 'KUBEADM_CERTIFICATE_KEY',
    what: 'the key encrypting the uploaded control-plane certificates, 64 hex digits',
    pattern: /^[a-f0-9]{64}$/,
    how: "generate one with 'kubeadm certs certificate-key' before the first control plane boots; the uploaded certificates expire after 2h: upload them again there with 'kubeadm init phase upload-certs --upload-certs --certificate-key <key>'",
  },
  encryptionKey: {
    env: 'KUBEADM_ENCRYPTION_KEY',
    what: 'the key encrypting Secrets in etcd, 32 bytes in base64 (the same on every control plane)',
    pattern: /^[A-Za-z0-9+/]{43}=$/,
    how: "generate it once per site with 'head -c 32 /dev/urandom | base64' and keep it with the site's other keys: every control plane needs the same value, and losing it loses every Secret",
  },
} as const satisfies Record<string, BootstrapSecret>;

export type SecretName = keyof typeof SECRETS;

export const placeholder = (name: SecretName) => `<${SECRETS[name].env}>`;
