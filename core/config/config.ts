// ferry's configuration: an optional JSON file (FERRY_CONFIG) overridden by environment variables.
import { readFileSync } from "node:fs";
import { createSecureContext } from "node:tls";
import type { ClusterConnection } from "../clusters/connection.ts";
import { resolveSettings, type Settings } from "./settings.ts";
import type { RemoteAuth, RemoteTls } from "../clusters/connection.ts";
import { RemoteHostAllowList } from "./remote-host-allow-list.ts";
import { decodeSecretKey } from "../store/secret-box.ts";

export interface FerryConfig {
  host: string;
  port: number;
  follower: ClusterConnection;
  dbPath: string;
  /** A missing database may be created (first start); otherwise ferry refuses to start without it. */
  dbCreate: boolean;
  /** Leader clusters from configuration; persisted in SQLite at start-up beside those added by API. */
  remotes: Record<string, ClusterConnection>;
  /** Snapshot repository settings both clusters can use for bootstrap (docs/configuration.md). */
  snapshotRepository: { type: string; settings: Record<string, unknown> } | undefined;
  settings: Settings;
  /** Who may call ferry (docs/security.md); undefined: anyone who reaches the port. */
  auth: AuthConfig | undefined;
  /** `use_roles` role names → the credential a replication uses on that cluster in their place. */
  clusterRoles: Record<string, RemoteAuth>;
  /** Host patterns remotes must match (docs/configuration.md); undefined: any host. */
  remoteHostsAllowed: string[] | undefined;
  /** PEM certificate chain and key: ferry's listener serves HTTPS (docs/configuration.md, "HTTPS"). */
  listenerTls: { cert: string; key: string } | undefined;
  /** AES-256 key for the secrets of remotes stored in SQLite (docs/configuration.md, "Secrets at rest"). */
  secretKey: Buffer | undefined;
  /** FERRY_LOG_LEVEL: the least severe log line written (api/logger.ts). */
  logLevel: LogLevel;
}

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

function logLevelFrom(value: string | undefined): LogLevel {
  if (value === undefined) return "info";
  if (!LOG_LEVELS.includes(value as LogLevel)) throw new ConfigError(`FERRY_LOG_LEVEL (log_level) must be one of ${LOG_LEVELS.join(", ")}, got ${value}`);
  return value as LogLevel;
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
  auth?: AuthInput;
  cluster_roles?: Record<string, RemoteAuth>;
  remote_hosts_allowed?: string[];
  tls_cert?: string;
  tls_key?: string;
  secret_key_file?: string;
  log_level?: string;
}

export class ConfigError extends Error {}

export function connectionFrom(input: ConnectionInput, what: string): ClusterConnection {
  const hosts = typeof input.hosts === "string" ? input.hosts.split(",").map((h) => h.trim()).filter(Boolean) : input.hosts ?? [];
  if (hosts.length === 0) throw new ConfigError(`${what}: at least one host is required`);
  for (const host of hosts) {
    if (!/^https?:\/\/[^/]+\/?$/.test(host)) throw new ConfigError(`${what}: host [${host}] must look like http(s)://host:port`);
    // A user and password in the URL would be stored and shown as plain text with the hosts.
    if (host.includes("@")) throw new ConfigError(`${what}: a host must not carry credentials; give them in auth`);
  }
  const auth = input.auth ?? { type: "none" };
  if (!["none", "basic", "api_key"].includes(auth.type)) throw new ConfigError(`${what}: auth.type must be none, basic or api_key`);
  if (auth.type === "basic" && (!auth.username || auth.password === undefined)) throw new ConfigError(`${what}: basic auth needs username and password`);
  if (auth.type === "api_key" && !auth.api_key) throw new ConfigError(`${what}: api_key auth needs api_key`);
  const tls = input.tls ?? {};
  // Accepting any certificate must be asked for in so many words: only the boolean false turns it off.
  if (tls.verify !== undefined && typeof tls.verify !== "boolean") throw new ConfigError(`${what}: tls.verify must be true or false`);
  if (tls.ca !== undefined && typeof tls.ca !== "string") throw new ConfigError(`${what}: tls.ca must be PEM text`);
  return { hosts: hosts.map((h) => h.replace(/\/$/, "")), auth, tls };
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
  if (env.FERRY_FOLLOWER_TLS_VERIFY !== undefined && !["true", "false"].includes(env.FERRY_FOLLOWER_TLS_VERIFY)) {
    throw new ConfigError(`FERRY_FOLLOWER_TLS_VERIFY must be true or false, got ${env.FERRY_FOLLOWER_TLS_VERIFY}`);
  }
  if (env.FERRY_FOLLOWER_CA || env.FERRY_FOLLOWER_TLS_VERIFY) {
    follower.tls = {
      ...(env.FERRY_FOLLOWER_CA ? { ca: readFileSync(env.FERRY_FOLLOWER_CA, "utf8") } : {}),
      verify: env.FERRY_FOLLOWER_TLS_VERIFY !== "false",
    };
  }

  const remoteInputs = env.FERRY_REMOTES ? json<Record<string, ConnectionInput>>(env.FERRY_REMOTES, "FERRY_REMOTES") : file.remotes ?? {};
  const remotes: Record<string, ClusterConnection> = {};
  for (const [alias, input] of Object.entries(remoteInputs)) remotes[alias] = connectionFrom(input, `remote [${alias}]`);
  const remoteHostsAllowed = allowListFrom(env.FERRY_REMOTE_HOSTS_ALLOWED, file.remote_hosts_allowed);
  if (remoteHostsAllowed) {
    const allowList = new RemoteHostAllowList(remoteHostsAllowed);
    for (const [alias, conn] of Object.entries(remotes)) {
      const refused = allowList.refused(conn.hosts);
      if (refused) throw new ConfigError(allowList.reason(`remote [${alias}]`, refused));
    }
  }

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
    remoteHostsAllowed,
    listenerTls: listenerTlsFrom(env.FERRY_TLS_CERT ?? file.tls_cert, env.FERRY_TLS_KEY ?? file.tls_key),
    secretKey: secretKeyFrom(env, file.secret_key_file),
    auth: authFrom(env.FERRY_AUTH ? json(env.FERRY_AUTH, "FERRY_AUTH") : file.auth),
    clusterRoles: clusterRolesFrom(env.FERRY_CLUSTER_ROLES ? json(env.FERRY_CLUSTER_ROLES, "FERRY_CLUSTER_ROLES") : file.cluster_roles),
    logLevel: logLevelFrom(env.FERRY_LOG_LEVEL ?? file.log_level),
  };
}

// ---- who may call ferry, and the credentials behind `use_roles` ----

/** `monitor` reads; `admin` may do everything (api/authorisation.ts decides which is which). */
export const FERRY_ROLES = ["monitor", "admin"] as const;
export type FerryRole = (typeof FERRY_ROLES)[number];

export interface AuthUser { name: string; password: string; role: FerryRole }
export interface AuthApiKey { id: string; key: string; role: FerryRole }

export interface AuthConfig {
  users: AuthUser[];
  apiKeys: AuthApiKey[];
  /** Proxied requests of authenticated ferry users carry ferry's follower credentials. */
  lendFollowerCredentials: boolean;
}

interface AuthInput {
  users?: Array<Partial<AuthUser>>;
  api_keys?: Array<Partial<AuthApiKey>>;
  lend_follower_credentials?: boolean;
}

/** Short keys are guessable; the same floor keeps a placeholder like "changeme" out. */
const MIN_API_KEY_LENGTH = 16;

// Messages name users and key ids, never a password or key.
function authFrom(input: AuthInput | undefined): AuthConfig | undefined {
  if (input === undefined) return undefined;
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw new ConfigError("auth must be an object");
  const role = (value: unknown, what: string): FerryRole => {
    if (!FERRY_ROLES.includes(value as FerryRole)) throw new ConfigError(`${what}: role must be one of ${FERRY_ROLES.join(", ")}`);
    return value as FerryRole;
  };
  const names = new Set<string>();
  const users = (input.users ?? []).map((u, i) => {
    const what = `auth.users[${i}]`;
    // Basic credentials split at the first colon, so a name cannot hold one.
    if (typeof u.name !== "string" || u.name === "" || u.name.includes(":")) throw new ConfigError(`${what}: name must be a non-empty string without ':'`);
    if (names.has(u.name)) throw new ConfigError(`${what}: user [${u.name}] is listed twice`);
    names.add(u.name);
    if (typeof u.password !== "string" || u.password === "") throw new ConfigError(`${what} [${u.name}]: password must be a non-empty string`);
    return { name: u.name, password: u.password, role: role(u.role, `${what} [${u.name}]`) };
  });
  const ids = new Set<string>();
  const apiKeys = (input.api_keys ?? []).map((k, i) => {
    const what = `auth.api_keys[${i}]`;
    if (typeof k.id !== "string" || k.id === "" || k.id.includes(":")) throw new ConfigError(`${what}: id must be a non-empty string without ':'`);
    if (ids.has(k.id)) throw new ConfigError(`${what}: api key [${k.id}] is listed twice`);
    ids.add(k.id);
    if (typeof k.key !== "string" || k.key.length < MIN_API_KEY_LENGTH) throw new ConfigError(`${what} [${k.id}]: key must be a string of at least ${MIN_API_KEY_LENGTH} characters`);
    return { id: k.id, key: k.key, role: role(k.role, `${what} [${k.id}]`) };
  });
  // An auth section nobody can pass would lock every caller out, including the operator.
  if (users.length === 0 && apiKeys.length === 0) throw new ConfigError("auth: configure at least one user or api key");
  const lend = input.lend_follower_credentials ?? false;
  if (typeof lend !== "boolean") throw new ConfigError("auth.lend_follower_credentials must be true or false");
  return { users, apiKeys, lendFollowerCredentials: lend };
}

function clusterRolesFrom(input: Record<string, RemoteAuth> | undefined): Record<string, RemoteAuth> {
  if (input === undefined) return {};
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw new ConfigError("cluster_roles must be an object of role name → auth");
  const roles: Record<string, RemoteAuth> = {};
  for (const [name, auth] of Object.entries(input)) {
    const what = `cluster_roles [${name}]`;
    if (auth?.type === "basic" && auth.username && typeof auth.password === "string") roles[name] = { type: "basic", username: auth.username, password: auth.password };
    else if (auth?.type === "api_key" && auth.api_key) roles[name] = { type: "api_key", api_key: auth.api_key };
    else throw new ConfigError(`${what}: needs {"type":"basic","username","password"} or {"type":"api_key","api_key"}`);
  }
  return roles;
}

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

// ---- remotes allow-list, HTTPS listener, secrets at rest ----

function allowListFrom(envValue: string | undefined, fileValue: unknown): string[] | undefined {
  let entries: unknown = fileValue;
  if (envValue !== undefined) entries = envValue.split(",").map((e) => e.trim()).filter(Boolean);
  if (entries === undefined) return undefined;
  if (!Array.isArray(entries) || entries.some((e) => typeof e !== "string")) throw new ConfigError("remote_hosts_allowed must be a list of host patterns");
  // An empty list would refuse every remote, a likelier slip than a wish: ask for a pattern.
  if (entries.length === 0) throw new ConfigError("remote_hosts_allowed (FERRY_REMOTE_HOSTS_ALLOWED) is empty; list host patterns, or leave it unset to allow any host");
  try {
    new RemoteHostAllowList(entries as string[]);
  } catch (err) {
    throw new ConfigError(`remote_hosts_allowed (FERRY_REMOTE_HOSTS_ALLOWED): ${(err as Error).message}`);
  }
  return entries as string[];
}

function readConfigFile(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(`${what} [${path}] cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function listenerTlsFrom(certPath: string | undefined, keyPath: string | undefined): FerryConfig["listenerTls"] {
  if (certPath === undefined && keyPath === undefined) return undefined;
  if (!certPath || !keyPath) throw new ConfigError("HTTPS needs both FERRY_TLS_CERT and FERRY_TLS_KEY (file keys tls_cert, tls_key)");
  const tls = { cert: readConfigFile(certPath, "FERRY_TLS_CERT"), key: readConfigFile(keyPath, "FERRY_TLS_KEY") };
  // Checked here so that a bad pair ends the start with one line, not a stack trace from the server.
  try {
    createSecureContext(tls);
  } catch (err) {
    throw new ConfigError(`FERRY_TLS_CERT [${certPath}] and FERRY_TLS_KEY [${keyPath}] are not a usable certificate and key: ${(err as Error).message}`);
  }
  return tls;
}

function secretKeyFrom(env: NodeJS.ProcessEnv, fileKeyPath: string | undefined): Buffer | undefined {
  const keyPath = env.FERRY_SECRET_KEY_FILE ?? fileKeyPath;
  if (env.FERRY_SECRET_KEY !== undefined && keyPath !== undefined) throw new ConfigError("set FERRY_SECRET_KEY or FERRY_SECRET_KEY_FILE, not both");
  const [text, what] = env.FERRY_SECRET_KEY !== undefined
    ? [env.FERRY_SECRET_KEY, "FERRY_SECRET_KEY"]
    : keyPath !== undefined ? [readConfigFile(keyPath, "FERRY_SECRET_KEY_FILE"), `FERRY_SECRET_KEY_FILE [${keyPath}]`] : [undefined, ""];
  if (text === undefined) return undefined;
  try {
    return decodeSecretKey(text, what);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}
