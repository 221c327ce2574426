// The registry of leader clusters (`leader_alias` → connection), persisted in SQLite. Configuration
// entries are written at start-up; API entries are added, replaced and removed through ferry's routes.
// Two rules bound it (docs/configuration.md, "Remotes allow-list" and "Secrets at rest"): every host must match the
// allow-list when one is configured, and a password or API key reaches the database only sealed with
// ferry's secret key — configured remotes' secrets never do, they are read from the config at each start.
import type { ClusterConnection, RemoteAuth } from "../clusters/connection.ts";
import { redactConnection } from "../clusters/connection.ts";
import { requestErrors } from "../errors.ts";
import { RemoteHostAllowList } from "./remote-host-allow-list.ts";
import { StoreError, type Store } from "../store/db.ts";
import { deleteRemote, getRemote, listRemotes, replacePlainSecrets, upsertRemote, type RemoteRow, type StoredRemote } from "../store/remotes.ts";
import { SecretBox, SecretOpenError } from "../store/secret-box.ts";

export interface RemoteView {
  alias: string;
  connection: ClusterConnection;
  source: string;
}

export interface RemoteSecurity {
  /** `remote_hosts_allowed`; undefined allows any host. */
  allowList?: string[];
  /** FERRY_SECRET_KEY: without it, remotes registered through the API cannot carry secrets. */
  secretKey?: Buffer;
}

type Secrets = Pick<RemoteAuth, "password" | "api_key">;

const KEY_SETTINGS = "FERRY_SECRET_KEY or FERRY_SECRET_KEY_FILE";

function splitAuth(auth: RemoteAuth): { auth: RemoteAuth; secrets: Secrets | undefined } {
  const { password, api_key, ...rest } = auth;
  const secrets = { ...(password !== undefined ? { password } : {}), ...(api_key !== undefined ? { api_key } : {}) };
  return { auth: rest, secrets: Object.keys(secrets).length > 0 ? secrets : undefined };
}

export class RemoteRegistry {
  private readonly allowList: RemoteHostAllowList | undefined;
  private readonly box: SecretBox | undefined;
  /** Secrets of configured remotes: held in memory only. */
  private readonly configSecrets = new Map<string, Secrets>();

  constructor(private readonly db: Store, configured: Record<string, ClusterConnection> = {}, private readonly timeoutMs?: number, security: RemoteSecurity = {}) {
    this.allowList = security.allowList ? new RemoteHostAllowList(security.allowList) : undefined;
    this.box = security.secretKey ? new SecretBox(security.secretKey) : undefined;
    this.sealPlainSecrets();
    this.checkSealedSecrets();
    for (const [alias, conn] of Object.entries(configured)) {
      const { auth, secrets } = splitAuth(conn.auth);
      upsertRemote(db, alias, { hosts: conn.hosts, auth, tls: conn.tls, secret: null }, "config");
      if (secrets) this.configSecrets.set(alias, secrets);
    }
  }

  /** Rows of an older ferry hold secrets in plain text: sealed now, or dropped where the config has them. */
  private sealPlainSecrets(): void {
    const plain = listRemotes(this.db).filter((row) => splitAuth(row.auth).secrets);
    if (plain.length === 0) return;
    const stranded = plain.filter((row) => row.source !== "config" && !this.box).map((row) => row.alias);
    if (stranded.length > 0) {
      throw new StoreError(`the database holds the password or API key of remotes [${stranded.join(", ")}] in plain text (stored by an older ferry). ` +
        `Start once with ${KEY_SETTINGS} set and ferry encrypts them`);
    }
    replacePlainSecrets(this.db, plain.map((row) => {
      const { auth, secrets } = splitAuth(row.auth);
      return { alias: row.alias, auth, secret: row.source === "config" ? null : this.seal(row.alias, secrets!) };
    }));
  }

  /** A missing or wrong key ends the start here, rather than each replication failing later. */
  private checkSealedSecrets(): void {
    const sealed = listRemotes(this.db).filter((row) => row.secret !== null);
    if (sealed.length === 0) return;
    const aliases = (rows: RemoteRow[]) => rows.map((row) => row.alias).join(", ");
    if (!this.box) {
      throw new StoreError(`the database holds encrypted secrets of remotes [${aliases(sealed)}], but neither ${KEY_SETTINGS} is set. ` +
        "Start with the key they were stored with");
    }
    const unopened = sealed.filter((row) => {
      try {
        this.box!.open(row.secret!, row.alias);
        return false;
      } catch (err) {
        if (err instanceof SecretOpenError) return true;
        throw err;
      }
    });
    if (unopened.length > 0) {
      throw new StoreError(`the configured secret key (${KEY_SETTINGS}) does not open the secrets stored for remotes [${aliases(unopened)}]: ` +
        "it is not the key they were stored with. Start with that key");
    }
  }

  private seal(alias: string, secrets: Secrets): string {
    return this.box!.seal(JSON.stringify(secrets), alias);
  }

  put(alias: string, conn: ClusterConnection): { created: boolean } {
    const refused = this.allowList?.refused(conn.hosts);
    if (refused) throw requestErrors.illegalArgument(this.allowList!.reason(`remote [${alias}]`, refused));
    const { auth, secrets } = splitAuth(conn.auth);
    if (secrets && !this.box) {
      throw requestErrors.illegalArgument(`remote [${alias}]: ferry stores passwords and API keys only encrypted, and has no key: ` +
        `set ${KEY_SETTINGS}, or configure this remote in FERRY_REMOTES`);
    }
    const created = !getRemote(this.db, alias);
    const stored: StoredRemote = { hosts: conn.hosts, auth, tls: conn.tls, secret: secrets ? this.seal(alias, secrets) : null };
    upsertRemote(this.db, alias, stored, "api");
    this.configSecrets.delete(alias);
    return { created };
  }

  /** The connection with its secrets, for the engine only. */
  connection(alias: string): ClusterConnection {
    const row = getRemote(this.db, alias);
    if (!row) throw requestErrors.noSuchRemote(alias);
    // A remote stored before the allow-list was narrowed: refused at each use, retryable so that its
    // replications wait (the reason in `_status`) instead of failing for good.
    const refused = this.allowList?.refused(row.hosts);
    if (refused) throw requestErrors.remoteHostRefused(this.allowList!.reason(`remote [${alias}]`, refused));
    const secrets = row.secret !== null ? JSON.parse(this.box!.open(row.secret, alias)) as Secrets : this.configSecrets.get(alias);
    return { hosts: row.hosts, auth: { ...row.auth, ...secrets }, tls: row.tls, ...(this.timeoutMs ? { timeoutMs: this.timeoutMs } : {}) };
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
    this.configSecrets.delete(alias);
  }

  /** Stored remotes the allow-list now refuses (main.ts warns about them at start). */
  outsideAllowList(): string[] {
    return listRemotes(this.db).filter((row) => this.allowList?.refused(row.hosts)).map((row) => row.alias);
  }
}
