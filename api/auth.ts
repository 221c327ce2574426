// Authentication of ferry's callers (docs/security.md): basic users and API keys
// from configuration, checked before validation reads a body, then the role check of authorisation.ts.
// Without an `auth` section every caller passes, as before; main.ts warns when that is risky.
import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { isLoopbackHost, type AuthConfig, type FerryConfig, type FerryRole } from "../core/config/config.ts";
import { FerryError, securityErrors } from "../core/errors.ts";
import { requiredRole } from "./authorisation.ts";

/** What the security plugin's basic authenticator answers a 401 with. */
export const CHALLENGE = 'Basic realm="OpenSearch Security"';

export interface Caller {
  name: string;
  role: FerryRole;
}

export type AuthEnv = { Variables: { caller: Caller | undefined } };

function digest(secret: string): Buffer {
  return createHash("sha256").update(secret, "utf8").digest();
}

/** Equal-length digests make the comparison take the same time whatever the inputs and their lengths. */
export function sameSecret(presented: string, expected: Buffer): boolean {
  return timingSafeEqual(digest(presented), expected);
}

interface Account extends Caller {
  secret: Buffer;
}

export class Authenticator {
  private readonly users: Map<string, Account>;
  private readonly apiKeys: Map<string, Account>;
  /** Compared against when the name is unknown, so that an unknown name costs what a wrong password does. */
  private readonly decoy = digest("ferry: no such account");

  constructor(config: AuthConfig) {
    this.users = new Map(config.users.map((u) => [u.name, { name: u.name, role: u.role, secret: digest(u.password) }]));
    // API-key callers are named by their key id in 403s and logs.
    this.apiKeys = new Map(config.apiKeys.map((k) => [k.id, { name: k.id, role: k.role, secret: digest(k.key) }]));
  }

  /** The caller an `Authorization` header names: `Basic b64(name:password)` or `ApiKey b64(id:key)`. */
  authenticate(header: string | undefined, request: string): Caller {
    if (!header) throw securityErrors.unauthenticated(request);
    const [, scheme = "", token = ""] = /^(\S+)\s+(\S+)\s*$/.exec(header) ?? [];
    const accounts = scheme.toLowerCase() === "basic" ? this.users : scheme.toLowerCase() === "apikey" ? this.apiKeys : undefined;
    const decoded = Buffer.from(token, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (!accounts || colon <= 0) throw securityErrors.wrongCredentials(request);
    const account = accounts.get(decoded.slice(0, colon));
    const matches = sameSecret(decoded.slice(colon + 1), account?.secret ?? this.decoy);
    if (!account || !matches) throw securityErrors.wrongCredentials(request);
    return { name: account.name, role: account.role };
  }
}

/** Authenticates and authorises every request when auth is configured; records the caller for the proxy. */
export function authenticate(config: AuthConfig | undefined): MiddlewareHandler<AuthEnv> {
  const authenticator = config ? new Authenticator(config) : undefined;
  return async (c, next) => {
    if (authenticator) {
      const path = new URL(c.req.url).pathname;
      const request = `${c.req.method} ${path}`;
      const caller = authenticator.authenticate(c.req.header("authorization"), request);
      const needed = requiredRole(c.req.method, path);
      if (needed === "admin" && caller.role !== "admin") throw securityErrors.forbidden(request, caller.name, caller.role, needed);
      c.set("caller", caller);
    } else {
      c.set("caller", undefined);
    }
    await next();
  };
}

/** A 401 of ours carries the challenge a client of the security plugin expects. */
export function challengeFor(error: FerryError): string | undefined {
  return error.status === 401 && error.type === "security_exception" ? CHALLENGE : undefined;
}

/** The line main.ts prints when nobody needs credentials and more than this machine can connect. */
export function openListenerWarning(config: Pick<FerryConfig, "auth" | "host">): string | undefined {
  if (config.auth || isLoopbackHost(config.host)) return undefined;
  return `ferry: WARNING: no authentication is configured and ferry listens on ${config.host}: anyone who reaches this port can stop replications, change remotes and use the proxy. Configure auth (FERRY_AUTH, see docs/security.md) or listen on 127.0.0.1.`;
}
