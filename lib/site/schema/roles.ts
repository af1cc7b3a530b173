/**
 * The roles a node may have, in the order tolerations are listed.
 */
export const NODE_ROLES = ['control-plane', 'storage', 'postgres', 's3'] as const;
export type NodeRole = (typeof NODE_ROLES)[number];
