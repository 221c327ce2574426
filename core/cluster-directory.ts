// Which cluster a replication reads from and which it writes to. ferry's own (follower) cluster is the
// follower of every replication it starts; after a fail-back (core/promote.ts) it is the leader of one,
// under the reserved alias LOCAL_CLUSTER, and the old leader's cluster (a registered remote) follows.
import type { ClusterConnection } from "./clusters/connection.ts";
import type { RemoteRegistry } from "./remotes.ts";

/** No registered remote can have this alias: remote aliases start with a letter or digit. */
export const LOCAL_CLUSTER = "_local";

/** Where one replication runs: its leader's alias, and its follower's (null: ferry's own cluster). */
export interface ReplicationRoute {
  leaderAlias: string;
  followerAlias: string | null;
}

export class ClusterDirectory {
  constructor(private readonly local: ClusterConnection, private readonly remotes: RemoteRegistry) {}

  leader(alias: string): ClusterConnection {
    return alias === LOCAL_CLUSTER ? this.local : this.remotes.connection(alias);
  }

  follower(alias: string | null): ClusterConnection {
    return alias === null ? this.local : this.remotes.connection(alias);
  }
}

/** One poller per route: its leader's checkpoints and its follower's states are read together. */
export function routeKey(route: ReplicationRoute): string {
  return `${route.leaderAlias}\u0000${route.followerAlias ?? ""}`;
}
