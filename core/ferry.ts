// Composition root of the core: store, live settings, remote registry, replication engine, auto-follow,
// wildcard start, bulk tasks.
import { AutoFollowEngine, type AutoFollowApi } from "./autofollow/autofollow.ts";
import { BulkTasks } from "./autofollow/bulk-tasks.ts";
import type { FerryConfig } from "./config/config.ts";
import { FerryEventBus } from "./events.ts";
import { ferryInstance } from "./lease/ferry-instance.ts";
import { LiveSettings } from "./config/live-settings.ts";
import { LagHistory } from "./observe/lag-history.ts";
import { FerryMetrics } from "./observe/metrics.ts";
import { RemoteRegistry } from "./config/remotes.ts";
import { ReplicationEngine, type ReplicationApi } from "./replication/replications.ts";
import { openStore, type Store } from "./store/db.ts";
import { WildcardStart } from "./autofollow/wildcard-start.ts";
import { settleStreamPromotes } from "./autofollow/stream-actions.ts";

export interface Ferry {
  config: FerryConfig;
  events: FerryEventBus;
  store: Store;
  settings: LiveSettings;
  remotes: RemoteRegistry;
  replications: ReplicationApi;
  autofollow: AutoFollowApi;
  wildcardStart: WildcardStart;
  bulk: BulkTasks;
  /** The last hour of every replication's lag, for the dashboard. */
  lagHistory: LagHistory;
  /** GET /metrics. */
  metrics: FerryMetrics;
  close(): Promise<void>;
}

/** `events` is passed in so that subscribers hear what happens while persisted replications resume. */
export async function createFerry(config: FerryConfig, events = new FerryEventBus()): Promise<Ferry> {
  const store = openStore(config.dbPath);
  // Before anything reads config.settings: the values changed through the API override configuration.
  const settings = new LiveSettings(store, config.settings, events);
  const remotes = new RemoteRegistry(store, config.remotes, config.settings["ferry.http.request_timeout"], {
    allowList: config.remoteHostsAllowed, secretKey: config.secretKey,
  });
  const replications = new ReplicationEngine({
    db: store, events, remotes, follower: config.follower, settings: config.settings, snapshotRepository: config.snapshotRepository,
    instance: ferryInstance(store, config.dbPath), clusterRoles: config.clusterRoles,
  });
  // Before resuming: the metrics hear every event of this process.
  const metrics = new FerryMetrics(events, {
    db: store, settings: config.settings, lagSeconds: (index, now) => replications.lagSeconds(index, now),
  });
  replications.resumeAll();
  const autofollow = new AutoFollowEngine({
    db: store, remotes, follower: config.follower, settings: config.settings, replications, events, clusterRoles: config.clusterRoles,
  });
  autofollow.resumeAll();
  await settleStreamPromotes({ replications, autofollow });
  const wildcardStart = new WildcardStart({ autofollow, follower: config.follower, remotes, replications, settings: config.settings });
  const bulk = new BulkTasks({ db: store, follower: config.follower, remotes, replications, settings: config.settings });
  const lagHistory = new LagHistory(store);
  lagHistory.start();
  return {
    config, events, store, settings, remotes, replications, autofollow, wildcardStart, bulk, lagHistory, metrics,
    async close() {
      lagHistory.close();
      // Rules and bulk tasks first: neither may start a replication the engine is shutting down.
      await autofollow.close();
      await bulk.close();
      await replications.close();
      store.$client.close();
    },
  };
}
