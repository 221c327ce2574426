// `PUT _cluster/settings` on ferry's address, where the plugin's users set `plugins.replication.*`: those
// names are ferry's tunables and ferry applies them (core/config/live-settings.ts); a request without any goes to
// the follower cluster unchanged. A request mixing both is refused: the two halves could not be one
// atomic change across ferry and the cluster.
import type { Context } from "hono";
import type { Ferry } from "../core/ferry.ts";
import { requestErrors } from "../core/errors.ts";
import { readBoundedBody } from "./request-body.ts";
import { respond } from "./respond.ts";
import { MAX_BODY_BYTES } from "./validation.ts";

const PLUGIN_PREFIX = "plugins.replication.";
const SECTIONS = ["persistent", "transient"] as const;

type Flat = Record<string, unknown>;

/** `{"plugins":{"replication":{"a":1}}}` and `{"plugins.replication.a":1}` alike, as dotted names. */
function flatten(value: unknown, prefix = ""): Flat {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return prefix ? { [prefix]: value } : {};
  const out: Flat = {};
  for (const [key, inner] of Object.entries(value)) Object.assign(out, flatten(inner, prefix ? `${prefix}.${key}` : key));
  return out;
}

/** The answer's form: nested objects, values as strings, as OpenSearch echoes cluster settings. */
function nest(flat: Flat): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(flat)) {
    const parts = name.split(".");
    let node = out;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts.at(-1)!] = value === null ? null : String(value);
  }
  return out;
}

export function clusterSettings(ferry: Ferry, proxy: (c: Context) => Promise<Response>) {
  return async (c: Context): Promise<Response> => {
    const text = await readBoundedBody(c.req.raw.clone(), MAX_BODY_BYTES);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not ferry's to judge: the follower answers a malformed body in its own words.
      return proxy(c);
    }
    if (body === null || typeof body !== "object" || Array.isArray(body)) return proxy(c);
    const sections = Object.fromEntries(SECTIONS.map((s) => [s, flatten((body as Record<string, unknown>)[s])])) as Record<(typeof SECTIONS)[number], Flat>;
    const names = SECTIONS.flatMap((s) => Object.keys(sections[s]));
    const ours = names.filter((n) => n.startsWith(PLUGIN_PREFIX));
    if (ours.length === 0) return proxy(c);
    const others = [...names.filter((n) => !n.startsWith(PLUGIN_PREFIX)), ...Object.keys(body).filter((k) => !(SECTIONS as readonly string[]).includes(k))];
    if (others.length) {
      throw requestErrors.illegalArgument(
        `ferry applies the ${PLUGIN_PREFIX}* settings itself; send [${others.join(", ")}] to the follower cluster in a request of their own`);
    }
    // Both sections are checked before either is applied.
    for (const s of SECTIONS) ferry.settings.validate(sections[s]);
    ferry.settings.update(sections.persistent, true);
    ferry.settings.update(sections.transient, false);
    return respond(c, { acknowledged: true, persistent: nest(sections.persistent), transient: nest(sections.transient) });
  };
}
