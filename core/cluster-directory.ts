// Which cluster a replication reads from and which it writes to, and with which credentials. ferry's own
// (follower) cluster is the follower of every replication it starts; after a fail-back (core/promote.ts)
// it is the leader of one, under the reserved alias LOCAL_CLUSTER, and the old leader's cluster (a
// registered remote) follows. A replication started with `use_roles` reaches each cluster with the
// credential configured for its role name there (`cluster_roles`) instead of the connection's own.
import type { ClusterConnection, RemoteAuth } from "./clusters/connection.ts";
import { engineErrors, securityErrors } from "./errors.ts";
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

/** Refuses `use_roles` naming a role that has no configured credential (a 400 at start or rule creation). */
export function checkUseRoles(clusterRoles: Record<string, RemoteAuth>, roles: Partial<UseRoles> | null | undefined): void {
  for (const field of ["leader_cluster_role", "follower_cluster_role"] as const) {
    const role = roles?.[field];
    if (role !== undefined && !Object.hasOwn(clusterRoles, role)) throw securityErrors.unknownClusterRole(field, role);
  }
}

export class ClusterDirectory {
  constructor(
    private readonly local: ClusterConnection,
    private readonly remotes: RemoteRegistry,
    private readonly clusterRoles: Record<string, RemoteAuth> = {},
  ) {}

  leader(alias: string, role?: string): ClusterConnection {
    return this.as(alias === LOCAL_CLUSTER ? this.local : this.remotes.connection(alias), role);
  }

  follower(alias: string | null, role?: string): ClusterConnection {
    return this.as(alias === null ? this.local : this.remotes.connection(alias), role);
  }

  /** `conn` with the credential of `role`; the hosts and TLS stay the connection's. */
  as(conn: ClusterConnection, role: string | undefined): ClusterConnection {
    if (role === undefined) return conn;
    // Checked at start; a role removed from the configuration since then fails the replication.
    const auth = Object.hasOwn(this.clusterRoles, role) ? this.clusterRoles[role] : undefined;
    if (!auth) throw engineErrors.fatal(`cluster role [${role}] of this replication's use_roles is no longer configured (cluster_roles)`);
    return { ...conn, auth };
  }
}

/** One poller per route: its leader's checkpoints and its follower's states are read together. */
export function routeKey(route: ReplicationRoute): string {
  const roles = route.roles ? `\u0000${route.roles.leader_cluster_role}\u0000${route.roles.follower_cluster_role}` : "";
  return `${route.leaderAlias}\u0000${route.followerAlias ?? ""}${roles}`;
}
