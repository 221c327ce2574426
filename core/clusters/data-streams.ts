// The data streams a list of names and wildcards can name on a cluster, with their backing indices oldest
// first (the last one is the write index). Read with `GET _data_stream/<names>`, which OpenSearch and
// Elasticsearch 7.9+ answer in the same shape (docs/data-streams.md).
import { call } from "./client.ts";
import type { ClusterConnection } from "./connection.ts";
import { indexListChunks } from "./index-list.ts";

export interface DataStream {
  name: string;
  /** Backing index names, oldest first; the last is the write index. */
  indices: string[];
  /** Only grows: each rollover takes the next. */
  generation: number;
}

interface DataStreamsAnswer {
  data_streams?: Array<{ name?: string; generation?: number; indices?: Array<{ index_name?: string }> }>;
}

/**
 * Every data stream that `terms` might name; which of them an expression selects is the caller's business.
 * A term without a wildcard is asked as `term*`, because a name that is not a stream would fail the whole
 * request (404). Terms starting with a dot or an underscore name no stream. A cluster that cannot list
 * streams (an engine without the API answers 400 or 404, a user without the privilege 403) has none that
 * ferry can follow.
 */
export async function dataStreamsMatching(conn: ClusterConnection, side: string, terms: string[]): Promise<DataStream[]> {
  const asked = [...new Set(terms.filter((t) => !t.startsWith(".") && !t.startsWith("_")).map((t) => (t.includes("*") ? t : `${t}*`)))];
  const found = new Map<string, DataStream>();
  for (const list of indexListChunks(asked)) {
    const answer = await call<DataStreamsAnswer>(conn, side, {
      method: "GET", path: `/_data_stream/${list}`, ignore: [400, 403, 404, 405],
    });
    for (const stream of answer?.data_streams ?? []) {
      if (!stream.name) continue;
      const indices = (stream.indices ?? []).map((i) => i.index_name).filter((i): i is string => typeof i === "string");
      found.set(stream.name, { name: stream.name, indices, generation: Number(stream.generation ?? 0) });
    }
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
