// ferry's log: one JSON line on stderr per engine event worth a person's attention. Applied batches are
// left out (they are many; `_status` and `follower_stats` count them).
import type { FerryEventBus, FerryEvents } from "../core/events.ts";

const LOGGED: Array<keyof FerryEvents> = ["replication:state", "replication:stopped", "bootstrap:step", "bootstrap:snapshot-left", "shard:error", "shard:reconciled"];

export function logEvents(events: FerryEventBus, write: (line: string) => void = (line) => process.stderr.write(line)): void {
  for (const event of LOGGED) {
    events.on(event, (payload) => write(`${JSON.stringify({ time: new Date().toISOString(), event, ...payload })}\n`));
  }
}
