// Which indices a request to the follower cluster would write to, so the proxy can refuse writes aimed
// at a following index. Only names are resolved: aliases and wildcards are left to the cluster-side guard.

export type WriteTarget =
  /** The request writes to these indices (known from the path alone). */
  | { kind: "indices"; indices: string[] }
  /** A `_bulk` request: its action lines name the indices, `defaultIndex` covers items without `_index`. */
  | { kind: "bulk"; defaultIndex?: string[] }
  /** A `_reindex` request: its `dest.index` is the target. */
  | { kind: "reindex" };

const DOC_WRITES: Record<string, { methods: string[]; needsId: boolean }> = {
  _doc: { methods: ["PUT", "POST", "DELETE"], needsId: false },
  _create: { methods: ["PUT", "POST"], needsId: true },
  _update: { methods: ["POST"], needsId: true },
};

/** Index-level endpoints that change documents or metadata, by method. */
const INDEX_WRITES: Record<string, string[]> = {
  _delete_by_query: ["POST"],
  _update_by_query: ["POST"],
  _close: ["POST"],
  _settings: ["PUT", "POST"],
  _mapping: ["PUT", "POST"],
  _mappings: ["PUT", "POST"],
};

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function indexList(segment: string): string[] {
  return decode(segment).split(",").filter(Boolean);
}

/** The write a request line makes, or undefined for reads and for writes that touch no existing index. */
export function writeTarget(method: string, path: string): WriteTarget | undefined {
  const segments = path.split("/").filter(Boolean);
  const [first, endpoint, id] = segments;
  if (first === undefined) return undefined;
  if (first.startsWith("_")) {
    if (first === "_bulk" && segments.length === 1 && (method === "POST" || method === "PUT")) return { kind: "bulk" };
    if (first === "_reindex" && segments.length === 1 && method === "POST") return { kind: "reindex" };
    return undefined;
  }
  const indices = indexList(first);
  if (endpoint === undefined) return method === "DELETE" ? { kind: "indices", indices } : undefined;
  if (endpoint === "_bulk" && segments.length === 2 && (method === "POST" || method === "PUT")) return { kind: "bulk", defaultIndex: indices };
  const docWrite = DOC_WRITES[endpoint];
  if (docWrite && docWrite.methods.includes(method) && segments.length <= 3) {
    if ((docWrite.needsId || method === "DELETE") && id === undefined) return undefined;
    return { kind: "indices", indices };
  }
  if (INDEX_WRITES[endpoint]?.includes(method) && segments.length === 2) return { kind: "indices", indices };
  return undefined;
}

const BULK_ACTIONS = ["index", "create", "update", "delete"];

/** Indices named by a `_bulk` body's action lines. Lines that do not parse are left for the cluster to reject. */
export function bulkTargets(ndjson: string, defaultIndex: string[] = []): string[] {
  const targets = new Set<string>();
  const lines = ndjson.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    let action: Record<string, { _index?: unknown } | undefined>;
    try {
      action = JSON.parse(line);
    } catch {
      continue;
    }
    const op = action && typeof action === "object" ? Object.keys(action).find((k) => BULK_ACTIONS.includes(k)) : undefined;
    if (!op) continue;
    const meta = action[op];
    const index = meta && typeof meta._index === "string" ? [meta._index] : defaultIndex;
    for (const name of index) targets.add(name);
    // Every action but delete is followed by its document line.
    if (op !== "delete") i++;
  }
  return [...targets];
}

/** The destination index of a `_reindex` body, if it names one. */
export function reindexTargets(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as { dest?: { index?: unknown } };
    return typeof parsed?.dest?.index === "string" ? [parsed.dest.index] : [];
  } catch {
    return [];
  }
}
