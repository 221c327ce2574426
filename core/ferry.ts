// Composition root of the core: store, remote registry, replication engine, auto-follow.
import type { AutoFollowApi } from "./autofollow.ts";
import type { FerryConfig } from "./config.ts";
import { RemoteRegistry } from "./remotes.ts";
import type { ReplicationApi } from "./replications.ts";
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
  // Skeleton until the engine lands.
  const replications = {} as ReplicationApi;
  const autofollow = {} as AutoFollowApi;
  return {
    config, store, remotes, replications, autofollow,
    async close() {
      store.$client.close();
    },
  };
}
