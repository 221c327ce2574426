// Which role a request needs (docs/security.md): `monitor` may read, `admin` may
// do everything. Reads are GET and HEAD on ferry's routes and on the proxy, plus the proxy's searches,
// which clients send as POST; any other proxied request (a write, a setting, a snapshot) is admin's.
import type { FerryRole } from "../core/config/config.ts";
import { isFerryPath } from "./operations.ts";

// Follower endpoints that only read although they take a body by POST, matched as whole paths: an
// index name never starts with `_`, so `/idx/_doc/_search` (indexing a document with that id) is no read.
const TARGET = String.raw`(?:/(?:_all|[^/_][^/]*))?`;
const PROXIED_READS = [
  new RegExp(String.raw`^${TARGET}/(?:_search|_search/template|_msearch|_msearch/template|_count|_mget|_field_caps|_validate/query|_mtermvectors)/?$`),
  new RegExp(String.raw`^/_search/scroll/?$`),
  new RegExp(String.raw`^/[^/_][^/]*/(?:_explain|_termvectors)(?:/[^/]+)?/?$`),
];

export function requiredRole(method: string, path: string): FerryRole {
  if (method === "GET" || method === "HEAD") return "monitor";
  if (!isFerryPath(path) && method === "POST" && PROXIED_READS.some((read) => read.test(path))) return "monitor";
  return "admin";
}
