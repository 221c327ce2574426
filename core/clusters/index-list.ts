// Index names in a request path. OpenSearch refuses a request line longer than
// `http.max_initial_line_length` (4 KB by default) with `too_long_http_line_exception`, and ferry may
// follow a thousand indices with long names: every per-index list goes through here.

/** Room for the names in one path, leaving the rest of the 4 KB line to the method, the endpoint and the
 * query string (filter_path and the like). */
export const MAX_NAMES_BYTES = 2_500;

/** Names split into comma-joined, URL-encoded lists that each fit in one request path. */
export function indexListChunks(names: string[], maxBytes = MAX_NAMES_BYTES): string[] {
  const chunks: string[] = [];
  let current = "";
  for (const name of names) {
    const encoded = encodeURIComponent(name);
    if (current && current.length + 1 + encoded.length > maxBytes) {
      chunks.push(current);
      current = "";
    }
    current = current ? `${current},${encoded}` : encoded;
  }
  if (current) chunks.push(current);
  return chunks;
}
