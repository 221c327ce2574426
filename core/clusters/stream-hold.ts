// Holding a data stream's writes for a planned promote of its write index's copy (docs/data-streams.md).
// The engines refuse `_block/write` on a stream's write index, and a plain settings block would not wait
// for the writes in flight. So the stream is rolled over into a write index that is write-blocked from
// its creation (a template of ferry's, for that stream alone, adds the block), after which the old write
// index takes the `_block/write` that waits for them. The template stays while the hold does: a rollover
// by the stream's lifecycle also gives a blocked write index, as a plain index keeps its block.
import { call, callOptional } from "./client.ts";
import type { ClusterConnection } from "./connection.ts";
import { dataStreamsMatching, generationOfBackingName, streamOfBackingName } from "./data-streams.ts";
import { globToRegExp } from "./index-glob.ts";
import { requestErrors } from "../errors.ts";

interface IndexTemplate {
  index_patterns?: string[];
  composed_of?: string[];
  priority?: number;
  data_stream?: Record<string, unknown>;
  template?: { settings?: Record<string, unknown>; mappings?: unknown; aliases?: unknown };
}

interface TemplatesAnswer {
  index_templates?: NamedTemplate[];
}

const templatePath = (name: string) => `/_index_template/${encodeURIComponent(name)}`;

/** The name of ferry's template that holds `stream`: one per stream, so a crash leaves nothing nameless. */
export const holdTemplateName = (stream: string) => `ferry-hold-${stream}`;

/** The stream whose write index `index` is now, or undefined (not a backing index, or an older one). */
export async function writeIndexStream(conn: ClusterConnection, side: string, index: string): Promise<string | undefined> {
  const name = streamOfBackingName(index);
  if (name === undefined) return undefined;
  const stream = (await dataStreamsMatching(conn, side, [name])).find((s) => s.name === name);
  return stream?.indices.at(-1) === index ? name : undefined;
}

type NamedTemplate = { name: string; index_template: IndexTemplate };

/**
 * The composable template that made `stream`: the one `GET _data_stream` names, or where that API is
 * missing (Elasticsearch without its data-streams module), the one the engine picks for the name: the
 * highest priority among the data stream templates whose patterns match it.
 */
async function streamTemplate(conn: ClusterConnection, side: string, stream: string, all: NamedTemplate[]): Promise<NamedTemplate> {
  const answer = await call<{ data_streams?: Array<{ name?: string; template?: string }> }>(conn, side, {
    method: "GET", path: `/_data_stream/${encodeURIComponent(stream)}`, ignore: [400, 405],
  });
  const named = answer.data_streams?.find((s) => s.name === stream)?.template;
  const candidates = all.filter((t) => (named === undefined
    ? t.index_template.data_stream !== undefined && (t.index_template.index_patterns ?? []).some((p) => globToRegExp(p).test(stream))
    : t.name === named));
  const found = candidates.sort((a, b) => (b.index_template.priority ?? 0) - (a.index_template.priority ?? 0))[0];
  if (!found) {
    throw requestErrors.illegalState(`no template that makes data stream [${stream}] was found, so ferry cannot roll it over into a ` +
      "blocked write index; stop the writers and promote with force", 409);
  }
  return found;
}

/**
 * Rolls `stream` over into a write-blocked write index, through a template of ferry's that copies the
 * stream's own and outranks every other; answers the new write index. Harmless to repeat.
 */
export async function holdStreamWrites(conn: ClusterConnection, side: string, stream: string): Promise<string> {
  const all = (await call<TemplatesAnswer>(conn, side, { method: "GET", path: "/_index_template" })).index_templates ?? [];
  const own = (await streamTemplate(conn, side, stream, all)).index_template;
  const hold = holdTemplateName(stream);
  const priority = Math.max(0, ...all.filter((t) => t.name !== hold).map((t) => t.index_template.priority ?? 0)) + 1;
  await call(conn, side, {
    method: "PUT", path: templatePath(hold),
    body: {
      index_patterns: [stream],
      ...(own.composed_of ? { composed_of: own.composed_of } : {}),
      data_stream: own.data_stream ?? {},
      priority,
      template: { ...own.template, settings: { ...own.template?.settings, "index.blocks.write": true } },
      _meta: { description: `ferry holds the writes of data stream [${stream}] for a promote of its follower (docs/data-streams.md says how to release it)` },
    },
  });
  const rolled = await call<{ new_index?: string }>(conn, side, { method: "POST", path: `/${encodeURIComponent(stream)}/_rollover` });
  if (!rolled.new_index) throw requestErrors.illegalState(`data stream [${stream}] did not roll over: ${JSON.stringify(rolled)}`, 409);
  return rolled.new_index;
}

/**
 * Undoes `holdStreamWrites` for a promote of `index` that rolled back: the template goes, and the stream's
 * backing indices newer than `index` (born blocked while it held) lose their write block. Harmless to
 * repeat, and when nothing was held.
 */
export async function releaseStreamWrites(conn: ClusterConnection, side: string, stream: string, index: string): Promise<void> {
  const hold = holdTemplateName(stream);
  const present = (await callOptional<TemplatesAnswer>(conn, side, { method: "GET", path: templatePath(hold) }))?.index_templates?.find((t) => t.name === hold);
  if (present) {
    // OpenSearch refuses to delete the template a stream matches now: it first stops matching the stream.
    const { index_patterns: _patterns, ...rest } = present.index_template;
    await call(conn, side, { method: "PUT", path: templatePath(hold), body: { ...rest, index_patterns: [`${hold}-released`] } });
    await call(conn, side, { method: "DELETE", path: templatePath(hold), ignore: [404] });
  }
  const members = (await dataStreamsMatching(conn, side, [stream])).find((s) => s.name === stream)?.indices ?? [];
  const newer = members.filter((member) => generationOfBackingName(member) > generationOfBackingName(index));
  for (const member of newer) {
    await call(conn, side, { method: "PUT", path: `/${encodeURIComponent(member)}/_settings`, body: { "index.blocks.write": null } });
  }
}
