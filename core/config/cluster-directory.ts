// Which cluster a replication reads from and which it writes to, and with which credentials. ferry's own
// (follower) cluster is the follower of every replication it starts; after a fail-back (core/failover/promote.ts)
// it is the leader of one, under the reserved alias LOCAL_CLUSTER, and the old leader's cluster (a
// registered remote) follows. A replication started with `use_roles` reaches each cluster with the
// credential configured for its role name there (`cluster_roles`) instead of the connection's own. A role
// name without a configured credential (the plugin's documentation passes `all_access` everywhere) runs
// with the connection's own credential, unless `ferry.use_roles.strict` asks to refuse it.
import type { ClusterConnection, RemoteAuth } from "../clusters/connection.ts";
import { engineErrors, securityErrors } from "../errors.ts";
import type { RemoteRegistry } from "./remotes.ts";

/** No registered remote can have this alias: remote aliases start with a letter or digit. */
export const LOCAL_CLUSTER = "_local";

/** The plugin's `use_roles`: a role name on the leader cluster and one on the follower cluster. */
export type UseRoles = {
  leader_cluster_role: string;
  follower_cluster_role: string;
};

/** Where one replication runs: its leader's alias, its follower's (null: ferry's own cluster), and the
 * roles it runs as (null: the connections' own credentials). */
export interface ReplicationRoute {
  leaderAlias: string;
  followerAlias: string | null;
  roles?: UseRoles | null;
}

const ROLE_FIELDS = ["leader_cluster_role", "follower_cluster_role"] as const;
export type RoleField = (typeof ROLE_FIELDS)[number];

/** The fields of `roles` naming a role without a configured credential. */
export function unconfiguredRoles(clusterRoles: Record<string, RemoteAuth>, roles: Partial<UseRoles> | null | undefined): RoleField[] {
  return ROLE_FIELDS.filter((field) => roles?.[field] !== undefined && !Object.hasOwn(clusterRoles, roles[field]!));
}

/** With strict roles, refuses `use_roles` naming a role that has no configured credential (a 400 at start
 * or rule creation); otherwise such a role runs with ferry's own credential for its side. */
export function checkUseRoles(clusterRoles: Record<string, RemoteAuth>, roles: Partial<UseRoles> | null | undefined, strict: boolean): void {
  const field = strict ? unconfiguredRoles(clusterRoles, roles)[0] : undefined;
  if (field) throw securityErrors.unknownClusterRole(field, roles![field]!);
}

/** The credential a side runs with: its role's (`cluster_roles`) or ferry's own for that cluster. */
export type RoleCredential = "cluster_role" | "ferry";

/** Which credential each side of `roles` uses now. */
export function roleCredentials(clusterRoles: Record<string, RemoteAuth>, roles: UseRoles): UseRoles & { leader_credential: RoleCredential; follower_credential: RoleCredential } {
  const unconfigured = unconfiguredRoles(clusterRoles, roles);
  const credential = (field: RoleField): RoleCredential => (unconfigured.includes(field) ? "ferry" : "cluster_role");
  return { ...roles, leader_credential: credential("leader_cluster_role"), follower_credential: credential("follower_cluster_role") };
}

export class ClusterDirectory {
  constructor(
    private readonly local: ClusterConnection,
    private readonly remotes: RemoteRegistry,
    private readonly clusterRoles: Record<string, RemoteAuth> = {},
    /** `ferry.use_roles.strict`, read at each use: the setting is live. */
    private readonly strictRoles: () => boolean = () => false,
  ) {}

  leader(alias: string, role?: string): ClusterConnection {
    return this.as(alias === LOCAL_CLUSTER ? this.local : this.remotes.connection(alias), role);
  }

  follower(alias: string | null, role?: string): ClusterConnection {
    return this.as(alias === null ? this.local : this.remotes.connection(alias), role);
  }

  /** `conn` with the credential of `role`; the hosts and TLS stay the connection's. A role without a
   * configured credential keeps the connection's own, as at start (a role removed from the configuration
   * since then included); with strict roles it fails the replication instead. */
  as(conn: ClusterConnection, role: string | undefined): ClusterConnection {
    if (role === undefined) return conn;
    const auth = Object.hasOwn(this.clusterRoles, role) ? this.clusterRoles[role] : undefined;
    if (auth) return { ...conn, auth };
    if (this.strictRoles()) throw engineErrors.fatal(`cluster role [${role}] of this replication's use_roles is not configured (cluster_roles) and ferry.use_roles.strict is set`);
    return conn;
  }
}

/** One poller per route: its leader's checkpoints and its follower's states are read together. */
export function routeKey(route: ReplicationRoute): string {
  const roles = route.roles ? `\u0000${route.roles.leader_cluster_role}\u0000${route.roles.follower_cluster_role}` : "";
  return `${route.leaderAlias}\u0000${route.followerAlias ?? ""}${roles}`;
}
