import { describe, expect, it } from "vitest";
import { checkUseRoles, ClusterDirectory, roleCredentials, unconfiguredRoles } from "./cluster-directory.ts";
import type { ClusterConnection, RemoteAuth } from "../clusters/connection.ts";
import type { RemoteRegistry } from "./remotes.ts";

const ROLES: Record<string, RemoteAuth> = { reader: { type: "basic", username: "r", password: "p" } };
const DOCUMENTED = { leader_cluster_role: "all_access", follower_cluster_role: "all_access" };
const own: ClusterConnection = { hosts: ["http://127.0.0.1:9200"], auth: { type: "basic", username: "ferry", password: "f" }, tls: {} };

describe("use_roles without a configured credential", () => {
  it("is accepted unless strict, which refuses it with the configured-role message", () => {
    expect(() => checkUseRoles(ROLES, DOCUMENTED, false)).not.toThrow();
    expect(() => checkUseRoles(ROLES, DOCUMENTED, true)).toThrow("use_roles.leader_cluster_role [all_access] is not a configured cluster role (cluster_roles)");
    expect(() => checkUseRoles(ROLES, { leader_cluster_role: "reader", follower_cluster_role: "reader" }, true)).not.toThrow();
  });

  it("says which sides run with ferry's own credential", () => {
    expect(unconfiguredRoles(ROLES, { leader_cluster_role: "reader", follower_cluster_role: "all_access" })).toEqual(["follower_cluster_role"]);
    expect(roleCredentials(ROLES, { leader_cluster_role: "reader", follower_cluster_role: "all_access" }))
      .toEqual({ leader_cluster_role: "reader", follower_cluster_role: "all_access", leader_credential: "cluster_role", follower_credential: "ferry" });
  });

  it("keeps the connection's credential at run time, or fails the replication when strict", () => {
    let strict = false;
    const clusters = new ClusterDirectory(own, {} as RemoteRegistry, ROLES, () => strict);
    expect(clusters.as(own, "all_access")).toBe(own);
    expect(clusters.as(own, "reader").auth).toEqual(ROLES.reader);
    strict = true;
    expect(() => clusters.as(own, "all_access")).toThrow(/not configured/);
  });
});
