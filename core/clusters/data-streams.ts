// The data streams a list of names and wildcards can name on a cluster, with their backing indices oldest
// first (the last one is the write index). Read with `GET _data_stream/<names>`, which OpenSearch and
// Elasticsearch 7.9+ answer in the same shape (docs/data-streams.md).
import { call } from "./client.ts";
import type { ClusterConnection } from "./connection.ts";
import { globToRegExp } from "./index-glob.ts";
import { indexListChunks } from "./index-list.ts";

export interface DataStream {
  name: string;
  /** Backing index names, oldest first; the last is the write index. */
  indices: string[];
  /** Only grows: each rollover takes the next. */
  generation: number;
}

type StreamEntry = { name?: string; generation?: number; indices?: Array<{ index_name?: string }> };

interface DataStreamsAnswer {
  data_streams?: StreamEntry[];
  /** An error answer (ignored status). */
  status?: number;
}

/** A cluster without the `_data_stream` API (Elasticsearch without its data-streams module) still keeps
 * its streams in the cluster state's metadata. */
interface ClusterStateStreams {
  metadata?: { data_stream?: { data_stream?: Record<string, StreamEntry> } };
}

/**
 * Every data stream that `terms` might name; which of them an expression selects is the caller's business.
 * A term without a wildcard is asked as `term*`, because a name that is not a stream would fail the whole
 * request (404). Terms starting with a dot or an underscore name no stream. Where the `_data_stream` API is
 * missing (400, 405), the streams come from the cluster state; a user without the privilege (403) sees none
 * that ferry can follow.
 */
export async function dataStreamsMatching(conn: ClusterConnection, side: string, terms: string[]): Promise<DataStream[]> {
  const asked = [...new Set(terms.filter((t) => !t.startsWith(".") && !t.startsWith("_")).map((t) => (t.includes("*") ? t : `${t}*`)))];
  const entries: StreamEntry[] = [];
  for (const list of indexListChunks(asked)) {
    const answer = await call<DataStreamsAnswer>(conn, side, {
      method: "GET", path: `/_data_stream/${list}`, ignore: [400, 403, 404, 405],
    });
    if (answer?.status === 400 || answer?.status === 405) return fromClusterState(conn, side, asked);
    entries.push(...(answer?.data_streams ?? []));
  }
  return streamsOf(entries);
}

async function fromClusterState(conn: ClusterConnection, side: string, asked: string[]): Promise<DataStream[]> {
  const state = await call<ClusterStateStreams>(conn, side, {
    method: "GET", path: "/_cluster/state/metadata",
    querystring: { filter_path: "metadata.data_stream.data_stream.*.name,metadata.data_stream.data_stream.*.generation,metadata.data_stream.data_stream.*.indices.index_name" },
    // A user allowed to read only some indices may not read the whole metadata: no streams then, as above.
    ignore: [403],
  });
  const patterns = asked.map(globToRegExp);
  return streamsOf(Object.values(state?.metadata?.data_stream?.data_stream ?? {}).filter((s) => s.name !== undefined && patterns.some((p) => p.test(s.name!))));
}

function streamsOf(entries: StreamEntry[]): DataStream[] {
  const found = new Map<string, DataStream>();
  for (const stream of entries) {
    if (!stream.name) continue;
    const indices = (stream.indices ?? []).map((i) => i.index_name).filter((i): i is string => typeof i === "string");
    found.set(stream.name, { name: stream.name, indices, generation: Number(stream.generation ?? 0) });
  }
  return [...found.values()];
}

/** Whether `index` is a backing index of the data stream its name says it belongs to. */
export async function backsDataStream(conn: ClusterConnection, side: string, index: string): Promise<boolean> {
  const stream = streamOfBackingName(index);
  if (stream === undefined) return false;
  return (await dataStreamsMatching(conn, side, [stream])).some((s) => s.name === stream && s.indices.includes(index));
}

/**
 * Whether `index`, no longer on the cluster, was let go of by its data stream (a lifecycle's retention
 * delete): the stream its name names still exists, no longer holds it, and has rolled over past its
 * generation. A cluster rebuilt empty, whose shippers created the stream again, has not.
 */
export async function retiredFromStream(conn: ClusterConnection, side: string, index: string): Promise<boolean> {
  const name = streamOfBackingName(index);
  if (name === undefined) return false;
  const stream = (await dataStreamsMatching(conn, side, [name])).find((s) => s.name === name);
  return stream !== undefined && !stream.indices.includes(index) && stream.generation > generationOfBackingName(index);
}

/** The data stream a backing index's name says it belongs to: `.ds-<stream>-<generation>` (OpenSearch)
 * or `.ds-<stream>-<yyyy.MM.dd>-<generation>` (Elasticsearch); undefined for any other name. Only a guess
 * from the name: `backsDataStream` tells whether the stream holds it. */
export function streamOfBackingName(index: string): string | undefined {
  const match = /^\.ds-(.+?)(?:-\d{4}\.\d{2}\.\d{2})?-\d{6,}$/.exec(index);
  return match?.[1];
}

/** The generation a backing index's name ends with (`.ds-logs-app-000003`: 3); -1 for any other name. */
export function generationOfBackingName(index: string): number {
  return Number(/-(\d{6,})$/.exec(index)?.[1] ?? -1);
}
