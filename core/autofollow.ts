// Auto-follow rules (skeleton: the engine fills this in).
import type { Acknowledged } from "./replications.ts";

export interface AutoFollowRule {
  leader_alias: string;
  name: string;
  pattern: string;
  follower_index_pattern?: string;
  settings?: Record<string, unknown>;
  use_roles?: { leader_cluster_role: string; follower_cluster_role: string };
}

export interface AutoFollowApi {
  create(rule: AutoFollowRule): Promise<Acknowledged>;
  delete(leaderAlias: string, name: string): Promise<Acknowledged>;
  /** The plugin's `autofollow_stats` body (reference §4.8). */
  stats(): Promise<Record<string, unknown>>;
}
