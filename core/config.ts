// ferry's configuration: an optional JSON file (FERRY_CONFIG) overridden by environment variables.
import { readFileSync } from "node:fs";
import type { ClusterConnection } from "./clusters/connection.ts";
import { resolveSettings, type Settings } from "./settings.ts";
import type { RemoteAuth, RemoteTls } from "./clusters/connection.ts";

export interface FerryConfig {
  host: string;
  port: number;
  follower: ClusterConnection;
  dbPath: string;
  /** A missing database may be created (first start); otherwise ferry refuses to start without it. */
  dbCreate: boolean;
  /** Leader clusters from configuration; persisted in SQLite at start-up beside those added by API. */
  remotes: Record<string, ClusterConnection>;
  /** Snapshot repository settings both clusters can use for bootstrap (see README). */
  snapshotRepository: { type: string; settings: Record<string, unknown> } | undefined;
  settings: Settings;
}

interface ConnectionInput {
  hosts?: string[] | string;
  auth?: RemoteAuth;
  tls?: RemoteTls;
}

interface FileConfig {
  host?: string;
  port?: number;
  follower?: ConnectionInput;
  db?: string;
  db_create?: boolean;
  remotes?: Record<string, ConnectionInput>;
  snapshot_repository?: { type: string; settings: Record<string, unknown> };
  settings?: Record<string, unknown>;
}

export class ConfigError extends Error {}

export function connectionFrom(input: ConnectionInput, what: string): ClusterConnection {
  const hosts = typeof input.hosts === "string" ? input.hosts.split(",").map((h) => h.trim()).filter(Boolean) : input.hosts ?? [];
  if (hosts.length === 0) throw new ConfigError(`${what}: at least one host is required`);
  for (const host of hosts) {
    if (!/^https?:\/\/[^/]+\/?$/.test(host)) throw new ConfigError(`${what}: host [${host}] must look like http(s)://host:port`);
  }
  const auth = input.auth ?? { type: "none" };
  if (!["none", "basic", "api_key"].includes(auth.type)) throw new ConfigError(`${what}: auth.type must be none, basic or api_key`);
  if (auth.type === "basic" && (!auth.username || auth.password === undefined)) throw new ConfigError(`${what}: basic auth needs username and password`);
  if (auth.type === "api_key" && !auth.api_key) throw new ConfigError(`${what}: api_key auth needs api_key`);
  return { hosts: hosts.map((h) => h.replace(/\/$/, "")), auth, tls: input.tls ?? {} };
}

function json<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new ConfigError(`${what} is not valid JSON: ${(err as Error).message}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): FerryConfig {
  const file: FileConfig = env.FERRY_CONFIG ? json(readFileSync(env.FERRY_CONFIG, "utf8"), env.FERRY_CONFIG) : {};

  const follower: ConnectionInput = { ...file.follower };
  if (env.FERRY_FOLLOWER_URL) follower.hosts = env.FERRY_FOLLOWER_URL;
  if (env.FERRY_FOLLOWER_USERNAME) {
    follower.auth = { type: "basic", username: env.FERRY_FOLLOWER_USERNAME, password: env.FERRY_FOLLOWER_PASSWORD ?? "" };
  }
  if (env.FERRY_FOLLOWER_API_KEY) follower.auth = { type: "api_key", api_key: env.FERRY_FOLLOWER_API_KEY };
  if (env.FERRY_FOLLOWER_CA || env.FERRY_FOLLOWER_TLS_VERIFY) {
    follower.tls = {
      ...(env.FERRY_FOLLOWER_CA ? { ca: readFileSync(env.FERRY_FOLLOWER_CA, "utf8") } : {}),
      verify: env.FERRY_FOLLOWER_TLS_VERIFY !== "false",
    };
  }

  const remoteInputs = env.FERRY_REMOTES ? json<Record<string, ConnectionInput>>(env.FERRY_REMOTES, "FERRY_REMOTES") : file.remotes ?? {};
  const remotes: Record<string, ClusterConnection> = {};
  for (const [alias, input] of Object.entries(remoteInputs)) remotes[alias] = connectionFrom(input, `remote [${alias}]`);

  const port = Number(env.FERRY_PORT ?? file.port ?? 9211);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`FERRY_PORT must be a port number, got ${env.FERRY_PORT}`);

  let snapshotRepository = file.snapshot_repository;
  if (env.FERRY_SNAPSHOT_PATH) snapshotRepository = { type: "fs", settings: { location: env.FERRY_SNAPSHOT_PATH } };
  if (env.FERRY_SNAPSHOT_REPOSITORY) snapshotRepository = json(env.FERRY_SNAPSHOT_REPOSITORY, "FERRY_SNAPSHOT_REPOSITORY");

  let settings: Settings;
  try {
    settings = resolveSettings(env.FERRY_SETTINGS ? json(env.FERRY_SETTINGS, "FERRY_SETTINGS") : file.settings);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }

  let dbCreate = file.db_create ?? false;
  if (env.FERRY_DB_CREATE !== undefined) {
    if (!["true", "false"].includes(env.FERRY_DB_CREATE)) throw new ConfigError(`FERRY_DB_CREATE must be true or false, got ${env.FERRY_DB_CREATE}`);
    dbCreate = env.FERRY_DB_CREATE === "true";
  }
  if (typeof dbCreate !== "boolean") throw new ConfigError("db_create must be true or false");

  return {
    host: env.FERRY_HOST ?? file.host ?? "127.0.0.1",
    port,
    follower: { ...connectionFrom(follower, "follower (FERRY_FOLLOWER_URL)"), timeoutMs: settings["ferry.http.request_timeout"] },
    dbPath: env.FERRY_DB ?? file.db ?? "ferry.db",
    dbCreate,
    remotes,
    snapshotRepository,
    settings,
  };
}
