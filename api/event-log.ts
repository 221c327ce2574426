// The engine's events in ferry's log (api/logger.ts): one line per event, at a level that says how much
// it needs a person, with the replication (follower index) and shard it concerns as fields of their own.
import type { FerryEventBus, FerryEvents } from "../core/events.ts";
import type { Logger } from "./logger.ts";

type Level = "error" | "warn" | "info" | "debug" | "trace";

/** Each logged event's level; a function when it depends on the payload. Events not listed are for
 * metrics only. */
const LEVELS: { [K in keyof FerryEvents]?: Level | ((payload: FerryEvents[K]) => Level) } = {
  "replication:state": (e) => (e.state === "FAILED" ? "error" : "info"),
  "replication:stopped": "info",
  "replication:leader-retired": "info",
  "replication:stream-templates": (e) => (e.refused.length ? "warn" : "info"),
  "bootstrap:step": "info",
  "bootstrap:progress": "debug",
  "bootstrap:snapshot-left": "warn",
  "bootstrap:settings-dropped": "warn",
  "bootstrap:restore-capped": "info",
  "bootstrap:throttles-kept": "warn",
  // Many: one per cycle of every shard.
  "shard:batch-applied": "debug",
  "shard:error": (e) => (e.retryable ? "warn" : "error"),
  "shard:reconciled": "info",
  "shard:swept": "debug",
  "shard:requests": "trace",
  "leader:polled": (e) => (e.ok ? "trace" : "warn"),
  "settings:changed": "info",
  "replication:use-roles-fallback": "warn",
  "autofollow:use-roles-fallback": "warn",
  "autofollow:start-refused": (e) => (e.retryable ? "warn" : "error"),
  "promote:step": (e) => (e.error !== null ? "warn" : "info"),
};

export function logEvents(events: FerryEventBus, logger: Logger): void {
  for (const event of Object.keys(LEVELS) as Array<keyof FerryEvents>) {
    const level = LEVELS[event] as Level | ((payload: unknown) => Level);
    events.on(event, (payload) => {
      const { followerIndex, ...rest } = payload as { followerIndex?: string } & Record<string, unknown>;
      const fields = { event, ...(followerIndex !== undefined ? { replication: followerIndex } : {}), ...rest };
      logger[typeof level === "function" ? level(payload) : level](fields, event);
    });
  }
}
