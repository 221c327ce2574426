// Test-side access to the clusters: bulk loading and a document-by-document snapshot of an index.

/** A cluster as a test reaches it: its address, or its address with a `fetch` that carries the CA and
 * credentials a secured cluster asks for (test/testbed/secured.ts). */
export type Endpoint = string | { url: string; fetch: typeof fetch };

function reach(endpoint: Endpoint): { base: string; send: typeof fetch } {
  return typeof endpoint === "string" ? { base: endpoint, send: fetch } : { base: endpoint.url, send: endpoint.fetch };
}

export async function os(endpoint: Endpoint, method: string, path: string, body?: unknown): Promise<any> {
  const { base, send } = reach(endpoint);
  const res = await send(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (res.status >= 400 && res.status !== 404) throw new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 500)}`);
  return json;
}

export interface Op {
  op: "index" | "delete";
  id: string;
  routing?: string;
  source?: Record<string, unknown>;
}

export async function bulk(endpoint: Endpoint, index: string, ops: Op[], refresh = false): Promise<void> {
  const { base, send } = reach(endpoint);
  for (let i = 0; i < ops.length; i += 2000) {
    const body = ops.slice(i, i + 2000).map((o) => {
      const action = { [o.op]: { _index: index, _id: o.id, ...(o.routing ? { routing: o.routing } : {}) } };
      return o.op === "delete" ? `${JSON.stringify(action)}\n` : `${JSON.stringify(action)}\n${JSON.stringify(o.source)}\n`;
    }).join("");
    const res = await send(`${base}/_bulk${refresh ? "?refresh=true" : ""}`, {
      method: "POST", headers: { "content-type": "application/x-ndjson" }, body,
    });
    const json = (await res.json()) as { errors: boolean; items: unknown[] };
    if (json.errors) {
      const failed = (json.items as Array<Record<string, { status: number; error?: unknown }>>)
        .map((item) => Object.values(item)[0]!).filter((r) => r.status >= 300 && r.status !== 404);
      if (failed.length) throw new Error(`bulk failed: ${JSON.stringify(failed.slice(0, 3))}`);
    }
  }
}

export interface StoredDoc {
  routing: string | undefined;
  source: unknown;
}

/** Every live document of `index` as id → routing and _source, read with scroll after a refresh. */
export async function documents(base: Endpoint, index: string): Promise<Map<string, StoredDoc>> {
  await os(base, "POST", `/${index}/_refresh`);
  const docs = new Map<string, StoredDoc>();
  let page = await os(base, "POST", `/${index}/_search?scroll=1m`, { size: 5000, sort: ["_doc"] });
  while (page?.hits?.hits?.length) {
    for (const hit of page.hits.hits) docs.set(hit._id, { routing: hit._routing, source: hit._source });
    page = await os(base, "POST", "/_search/scroll", { scroll: "1m", scroll_id: page._scroll_id });
  }
  if (page?._scroll_id) await os(base, "DELETE", "/_search/scroll", { scroll_id: page._scroll_id });
  return docs;
}

/** JSON with object keys sorted: an ingest pipeline (ferry's write guard) rewrites `_source` with its keys
 * in another order, and that order carries no meaning. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v);
}

/** Differences between two document sets, at most `limit` of them, for readable assertion failures. */
export function differences(leader: Map<string, StoredDoc>, follower: Map<string, StoredDoc>, limit = 5): string[] {
  const out: string[] = [];
  for (const [id, doc] of leader) {
    const other = follower.get(id);
    if (!other) out.push(`missing on follower: ${id}`);
    else if (canonical(other) !== canonical(doc)) out.push(`differs: ${id} leader=${JSON.stringify(doc)} follower=${JSON.stringify(other)}`);
    if (out.length >= limit) return out;
  }
  for (const id of follower.keys()) {
    if (!leader.has(id)) out.push(`extra on follower: ${id}`);
    if (out.length >= limit) return out;
  }
  return out;
}

export interface Mismatches {
  /** Leader documents looked up on the follower. */
  compared: number;
  /** On the leader, not on the follower. */
  lost: number;
  /** On the follower, not on the leader. */
  extra: number;
  /** On both, with another routing or _source. */
  stale: number;
  /** A few of them, for a readable failure. */
  examples: string[];
}

/** Every difference between two document sets, counted by kind. */
export function mismatches(leader: Map<string, StoredDoc>, follower: Map<string, StoredDoc>): Mismatches {
  const result: Mismatches = { compared: leader.size, lost: 0, extra: 0, stale: 0, examples: [] };
  const note = (line: string) => result.examples.length < 5 && result.examples.push(line);
  for (const [id, doc] of leader) {
    const other = follower.get(id);
    if (!other) {
      result.lost++;
      note(`missing on follower: ${id}`);
    } else if (canonical(other) !== canonical(doc)) {
      result.stale++;
      note(`differs: ${id} leader=${JSON.stringify(doc)} follower=${JSON.stringify(other)}`);
    }
  }
  for (const id of follower.keys()) {
    if (!leader.has(id)) {
      result.extra++;
      note(`extra on follower: ${id}`);
    }
  }
  return result;
}

/** Polls until the follower holds exactly the leader's documents, or the time is up. */
export async function converge(leader: Endpoint, follower: Endpoint, leaderIndex: string, followerIndex: string, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let diff: string[] = ["not compared yet"];
  const leaderDocs = await documents(leader, leaderIndex);
  while (Date.now() < deadline) {
    diff = differences(leaderDocs, await documents(follower, followerIndex));
    if (diff.length === 0) return diff;
    await new Promise((r) => setTimeout(r, 250));
  }
  return diff;
}
