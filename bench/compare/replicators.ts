// ferry and the plugin behind one interface, both driven through the plugin's REST API: the plugin on
// the follower cluster, ferry on its own port in front of it.
import { os } from "../../test/support/documents.ts";

export type System = "ferry" | "plugin";

export interface Replicator {
  system: System;
  start(leaderIndex: string, followerIndex: string): Promise<void>;
  /** Until `_status` says SYNCING (the bootstrap is over). */
  syncing(followerIndex: string, timeoutMs?: number): Promise<void>;
  pause(followerIndex: string): Promise<void>;
  resume(followerIndex: string): Promise<void>;
  /** Stops replicating and deletes the follower index, so the next run starts from nothing. */
  remove(followerIndex: string): Promise<void>;
}

/** `base` serves `_plugins/_replication`; `follower` is where the follower index lives. */
export function replicator(system: System, base: string, follower: string, remoteAlias: string): Replicator {
  const api = (method: string, followerIndex: string, action: string, body?: unknown) =>
    os(base, method, `/_plugins/_replication/${followerIndex}/${action}`, body);
  const startBody = (leaderIndex: string) => system === "plugin"
    // The peer clusters run without the security plugin: the roles are required, accepted and ignored.
    ? { leader_alias: remoteAlias, leader_index: leaderIndex, use_roles: { leader_cluster_role: "all_access", follower_cluster_role: "all_access" } }
    : { leader_alias: remoteAlias, leader_index: leaderIndex };
  return {
    system,
    async start(leaderIndex, followerIndex) {
      const res = await api("PUT", followerIndex, "_start", startBody(leaderIndex));
      if (!res?.acknowledged) throw new Error(`${system} _start of ${followerIndex}: ${JSON.stringify(res)}`);
    },
    async syncing(followerIndex, timeoutMs = 15 * 60_000) {
      const deadline = Date.now() + timeoutMs;
      let status: unknown;
      while (Date.now() < deadline) {
        status = await api("GET", followerIndex, "_status");
        if ((status as { status?: string })?.status === "SYNCING") return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${system}: ${followerIndex} not SYNCING after ${timeoutMs} ms: ${JSON.stringify(status)}`);
    },
    async pause(followerIndex) {
      // The plugin says SYNCING a moment before it lets a pause through ("Index is in restore phase").
      const deadline = Date.now() + 60_000;
      for (;;) {
        try {
          await api("POST", followerIndex, "_pause", {});
          return;
        } catch (err) {
          if (Date.now() > deadline || !String(err).includes("restore phase")) throw err;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    },
    async resume(followerIndex) {
      await api("POST", followerIndex, "_resume", {});
    },
    async remove(followerIndex) {
      await api("POST", followerIndex, "_stop", {}).catch(() => undefined);
      await os(follower, "DELETE", `/${followerIndex}`);
    },
  };
}
