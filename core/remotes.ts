// The registry of leader clusters (`leader_alias` → connection), persisted in SQLite. Configuration
// entries are written at start-up; API entries are added, replaced and removed through ferry's routes.
import type { ClusterConnection } from "./clusters/connection.ts";
import { redactConnection } from "./clusters/connection.ts";
import { requestErrors } from "./errors.ts";
import type { Store } from "./store/db.ts";
import { deleteRemote, getRemote, listRemotes, upsertRemote } from "./store/remotes.ts";

export interface RemoteView {
  alias: string;
  connection: ClusterConnection;
  source: string;
}

export class RemoteRegistry {
  constructor(private readonly db: Store, configured: Record<string, ClusterConnection> = {}, private readonly timeoutMs?: number) {
    for (const [alias, conn] of Object.entries(configured)) upsertRemote(db, alias, conn, "config");
  }

  put(alias: string, conn: ClusterConnection): { created: boolean } {
    const created = !getRemote(this.db, alias);
    upsertRemote(this.db, alias, conn, "api");
    return { created };
  }

  /** The connection with its secrets, for the engine only. */
  connection(alias: string): ClusterConnection {
    const row = getRemote(this.db, alias);
    if (!row) throw requestErrors.noSuchRemote(alias);
    return { hosts: row.hosts, auth: row.auth, tls: row.tls, ...(this.timeoutMs ? { timeoutMs: this.timeoutMs } : {}) };
  }

  has(alias: string): boolean {
    return getRemote(this.db, alias) !== undefined;
  }

  /** Views never carry passwords, API keys or CA bodies. */
  list(): RemoteView[] {
    return listRemotes(this.db).map((row) => ({
      alias: row.alias,
      connection: redactConnection({ hosts: row.hosts, auth: row.auth, tls: row.tls }),
      source: row.source,
    }));
  }

  get(alias: string): RemoteView {
    const view = this.list().find((r) => r.alias === alias);
    if (!view) throw requestErrors.noSuchRemote(alias);
    return view;
  }

  delete(alias: string): void {
    if (!deleteRemote(this.db, alias)) throw requestErrors.noSuchRemote(alias);
  }
}
