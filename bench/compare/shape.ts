// The two cluster shapes the comparison runs on. "single" is what the peer recipe starts (one node a side,
// primaries only): cheap, but the plugin then waits a fixed 10 s whenever the leader's global checkpoint
// lags (peer README). "production" is the shape people run: two nodes a side and one replica per shard.
import type { ShapeName } from "./options.ts";

export interface Shape {
  name: ShapeName;
  leaderNodes: number;
  followerNodes: number;
  /** number_of_replicas of every index the benchmark creates. */
  replicas: number;
}

export const SHAPE: Record<ShapeName, Shape> = {
  single: { name: "single", leaderNodes: 1, followerNodes: 1, replicas: 0 },
  production: { name: "production", leaderNodes: 2, followerNodes: 2, replicas: 1 },
};

export function describeShape(s: Shape): string {
  const nodes = (n: number) => (n === 1 ? "one node" : `${n} nodes`);
  return `leader ${nodes(s.leaderNodes)}, follower ${nodes(s.followerNodes)}, ${s.replicas} replica${s.replicas === 1 ? "" : "s"} per shard`;
}
