import * as plus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';

/*
 * The ServiceAccounts and role bindings this project authors, with cdk8s-plus-27's L2 constructs
 * (the idiomatic cdk8s way), every value they would default written here. The roles themselves
 * stay plain `KubeClusterRole`/`KubeRole`: their rules come from upstream as they are, and plus
 * writes one rule per resource (README, "Design notes").
 */

/** Name and namespace of an object this project authors. */
export interface NamespacedName {
  readonly name: string;
  readonly namespace: string;
}

/**
 * The ServiceAccount of a workload that calls the API server (an operator, its UI). Its token is
 * mounted: plus defaults `automountServiceAccountToken` to false, which would leave the pods
 * without credentials, so it is written out as true.
 */
export function apiServiceAccount(scope: Construct, id: string, account: NamespacedName): plus.ServiceAccount {
  return new plus.ServiceAccount(scope, id, {
    metadata: { name: account.name, namespace: account.namespace },
    automountToken: true,
  });
}

/** A ServiceAccount another component authors (kube-prometheus' Prometheus), as a binding's subject. */
export const serviceAccountRef = (scope: Construct, id: string, account: NamespacedName): plus.IServiceAccount =>
  plus.ServiceAccount.fromServiceAccountName(scope, id, account.name, { namespaceName: account.namespace });

/**
 * A ClusterRoleBinding `name` of the ClusterRole `name` to one ServiceAccount. plus writes the
 * subject's API group, '' for a ServiceAccount (the core group, as the API server defaults it).
 */
export function bindClusterRole(
  scope: Construct,
  id: string,
  name: string,
  subject: plus.IServiceAccount,
): plus.ClusterRoleBinding {
  const binding = new plus.ClusterRoleBinding(scope, id, {
    metadata: { name },
    role: plus.ClusterRole.fromClusterRoleName(scope, `${id}Role`, name),
  });
  binding.addSubjects(subject);
  return binding;
}

/**
 * A RoleBinding `name` in `namespace` of the Role `name` there to one ServiceAccount (its API group written, as above).
 */
export function bindRole(
  scope: Construct,
  id: string,
  role: NamespacedName,
  subject: plus.IServiceAccount,
): plus.RoleBinding {
  const binding = new plus.RoleBinding(scope, id, {
    metadata: { name: role.name, namespace: role.namespace },
    role: plus.Role.fromRoleName(scope, `${id}Role`, role.name),
  });
  binding.addSubjects(subject);
  return binding;
}
