// OpenSearch's `filter_path` response filtering: comma-separated dotted paths, `*` inside a name,
// `**` for any depth; arrays are transparent. Exclusions (`-path`) are not supported.

type Pattern = string[];

function globMatches(glob: string, key: string): boolean {
  if (!glob.includes("*")) return glob === key;
  const source = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${source}$`).test(key);
}

function complete(pattern: Pattern): boolean {
  return pattern.every((segment) => segment === "**");
}

function advance(pattern: Pattern, key: string): Pattern[] {
  const [head, ...rest] = pattern;
  if (head === undefined) return [];
  if (head === "**") return [pattern, ...advance(rest, key)];
  return globMatches(head, key) ? [rest] : [];
}

function filter(value: unknown, patterns: Pattern[]): unknown {
  if (patterns.some(complete)) return value;
  if (Array.isArray(value)) {
    const kept = value.map((item) => filter(item, patterns)).filter((item) => item !== undefined);
    return kept.length > 0 ? kept : undefined;
  }
  if (value === null || typeof value !== "object") return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const next = patterns.flatMap((pattern) => advance(pattern, key));
    if (next.length === 0) continue;
    const kept = filter(child, next);
    if (kept !== undefined) out[key] = kept;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function filterPath(value: unknown, filterPathParam: string): unknown {
  const patterns = filterPathParam.split(",").map((p) => p.trim()).filter(Boolean).map((p) => p.split("."));
  if (patterns.length === 0) return value;
  return filter(value, patterns) ?? {};
}
