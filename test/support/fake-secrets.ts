import { randomBytes } from 'node:crypto';

/**
 * Throwaway values shaped like kubeadm's secrets, made when the tests run: nothing
 * token-shaped is kept in git, where a scanner (or a reader) could not tell it from a real one.
 */
const alnum = (length: number) =>
  [...randomBytes(length)].map((b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]).join('');

/** `[a-z0-9]{6}.[a-z0-9]{16}`, as `kubeadm token generate` prints. */
export const fakeBootstrapToken = () => `${alnum(6)}.${alnum(16)}`;
/** `sha256:<64 hex digits>`, the CA public key hash of `kubeadm join`. */
export const fakeCaCertHash = () => `sha256:${randomBytes(32).toString('hex')}`;
/** 64 hex digits, as `kubeadm init phase upload-certs` prints. */
export const fakeCertificateKey = () => randomBytes(32).toString('hex');
/** 32 bytes in base64, as `head -c 32 /dev/urandom | base64` prints: the key of Secrets at rest. */
export const fakeEncryptionKey = () => randomBytes(32).toString('base64');
/** A password-like value, for tests that check a secret is never printed. */
export const fakePassword = () => randomBytes(12).toString('base64url');
