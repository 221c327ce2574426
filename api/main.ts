// ferry's process: configuration from the environment (and FERRY_CONFIG), the core, the HTTP server.
// Prints one JSON line when it listens; SIGTERM and SIGINT close the server and the store.
import { serve } from "@hono/node-server";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { ConfigError, isLoopbackHost, loadConfig } from "../core/config/config.ts";
import { FerryEventBus } from "../core/events.ts";
import { createFerry } from "../core/ferry.ts";
import { refuseMissingStore, StoreError } from "../core/store/db.ts";
import { logEvents } from "./event-log.ts";
import { createLogger } from "./logger.ts";
import { buildApp } from "./app.ts";
import { openListenerWarning } from "./auth.ts";

/** Bad configuration and an unusable database end the process with one line saying why. */
function refuse(err: unknown): never {
  // Config messages name settings, never their secret values.
  if (err instanceof ConfigError || err instanceof StoreError) {
    console.error(`ferry: ${err.message}`);
    process.exit(1);
  }
  throw err;
}

let config;
try {
  config = loadConfig(process.env);
  refuseMissingStore(config.dbPath, config.dbCreate);
} catch (err) {
  refuse(err);
}

// Loud, because the default is open: without auth, whoever reaches the port drives ferry.
const openWarning = openListenerWarning(config);
if (openWarning) console.error(openWarning);

const logger = createLogger(config.logLevel);
const events = new FerryEventBus();
logEvents(events, logger);
const ferry = await createFerry(config, events).catch(refuse);
// A V8 flag is the process's, not the core's: every heap (worker threads' too) reads it at each full
// collection, so setting it now bounds them all. Read after createFerry: a value set through the API wins.
const heapGrowth = config.settings["ferry.memory.heap_growing_percent"];
if (heapGrowth > 0) setFlagsFromString(`--heap-growing-percent=${heapGrowth}`);
const app = buildApp(ferry, logger);

// Said once at start: where remotes may point is an operator's decision, not a caller's.
if (!config.remoteHostsAllowed && !isLoopbackHost(config.host)) {
  console.error(`ferry: warning: remote_hosts_allowed (FERRY_REMOTE_HOSTS_ALLOWED) is not set and ferry listens on ${config.host}: a remote may name any host ferry can reach`);
}
const refusedRemotes = ferry.remotes.outsideAllowList();
if (refusedRemotes.length > 0) {
  console.error(`ferry: warning: stored remotes [${refusedRemotes.join(", ")}] have hosts outside remote_hosts_allowed; ferry will not connect to them until the list or the remotes change`);
}

const https = config.listenerTls ? { createServer: createHttpsServer, serverOptions: config.listenerTls } : {};
const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host, ...https }, (info: AddressInfo) => {
  const host = info.family === "IPv6" ? `[${info.address}]` : info.address;
  const scheme = config.listenerTls ? "https" : "http";
  process.stdout.write(`${JSON.stringify({ ferry: "listening", url: `${scheme}://${host}:${info.port}` })}\n`);
});

server.on("error", (err: NodeJS.ErrnoException) => {
  // EADDRINUSE and the like: say so in one line rather than with a stack trace.
  console.error(`ferry: cannot listen on ${config.host}:${config.port}: ${err.message}`);
  process.exit(1);
});

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  // Stop taking requests, then let the core persist and release what it holds.
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await ferry.close();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown());
process.on("SIGINT", () => void shutdown());
