// Composition root of the core: store, remote registry, replication engine, auto-follow.
import type { AutoFollowApi } from "./autofollow.ts";
import type { FerryConfig } from "./config.ts";
import { RemoteRegistry } from "./remotes.ts";
import { ReplicationEngine, type ReplicationApi } from "./replications.ts";
import { openStore, type Store } from "./store/db.ts";

export interface Ferry {
  config: FerryConfig;
  store: Store;
  remotes: RemoteRegistry;
  replications: ReplicationApi;
  autofollow: AutoFollowApi;
  close(): Promise<void>;
}

export async function createFerry(config: FerryConfig): Promise<Ferry> {
  const store = openStore(config.dbPath);
  const remotes = new RemoteRegistry(store, config.remotes);
  const replications = new ReplicationEngine({
    db: store, remotes, follower: config.follower, settings: config.settings, snapshotRepository: config.snapshotRepository,
  });
  replications.resumeAll();
  const autofollow = {} as AutoFollowApi;
  return {
    config, store, remotes, replications, autofollow,
    async close() {
      await replications.close();
      store.$client.close();
    },
  };
}
