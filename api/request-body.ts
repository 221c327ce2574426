// Reads a request body into memory with a hard size limit, refusing early on a large Content-Length
// and, for chunked bodies, as soon as the limit is crossed.
import { requestErrors } from "../core/errors.ts";

/** The body's bytes, or undefined when the request has none. */
export async function readBoundedBytes(request: Request, limit: number): Promise<Uint8Array | undefined> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > limit) throw requestErrors.bodyTooLarge(limit);
  if (!request.body) return undefined;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw requestErrors.bodyTooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The body as text, or undefined when the request has none. */
export async function readBoundedBody(request: Request, limit: number): Promise<string | undefined> {
  const bytes = await readBoundedBytes(request, limit);
  if (bytes === undefined) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    throw requestErrors.parse("request body is not valid UTF-8");
  }
}
