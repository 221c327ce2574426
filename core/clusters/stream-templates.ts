// The templates a leader data stream was made from, copied to the follower: after a failover, shippers
// that create new streams of the same pattern on the follower get the leader's mappings and settings
// (docs/data-streams.md). A follower's own template of the same name is left as it is.
import { call, callOptional } from "./client.ts";
import type { ClusterConnection } from "./connection.ts";

interface StreamAnswer {
  data_streams?: Array<{ name?: string; template?: string }>;
}

export interface TemplatesCopied {
  /** Templates written to the follower, components first. */
  copied: string[];
  /** Templates the follower refused (another engine's fields, say), with its reason. */
  refused: Array<{ template: string; reason: string }>;
}

const path = (kind: "_index_template" | "_component_template", name: string) => `/${kind}/${encodeURIComponent(name)}`;

/** Copies the composable template of leader stream `stream` and its component templates where the
 * follower has none of that name. A leader that does not say which template made the stream (no
 * `_data_stream` API) has nothing copied. */
export async function copyStreamTemplates(leader: ClusterConnection, follower: ClusterConnection, stream: string): Promise<TemplatesCopied> {
  const result: TemplatesCopied = { copied: [], refused: [] };
  const streams = await callOptional<StreamAnswer>(leader, "leader", { method: "GET", path: `/_data_stream/${encodeURIComponent(stream)}`, ignore: [400, 403, 405] });
  const name = streams?.data_streams?.find((s) => s.name === stream)?.template;
  if (!name) return result;
  const index = await callOptional<{ index_templates?: Array<{ name: string; index_template: { composed_of?: string[] } }> }>(
    leader, "leader", { method: "GET", path: path("_index_template", name) });
  const template = index?.index_templates?.find((t) => t.name === name)?.index_template;
  if (!template) return result;
  const parts: Array<{ kind: "_index_template" | "_component_template"; name: string; body: unknown }> = [];
  for (const component of template.composed_of ?? []) {
    const answer = await callOptional<{ component_templates?: Array<{ name: string; component_template: unknown }> }>(
      leader, "leader", { method: "GET", path: path("_component_template", component) });
    const body = answer?.component_templates?.find((t) => t.name === component)?.component_template;
    if (body) parts.push({ kind: "_component_template", name: component, body });
  }
  parts.push({ kind: "_index_template", name, body: template });
  for (const part of parts) {
    const present = await call(follower, "follower", { method: "GET", path: path(part.kind, part.name), ignore: [404] });
    if (present?.index_templates?.length || present?.component_templates?.length) continue;
    const answer = await call(follower, "follower", { method: "PUT", path: path(part.kind, part.name), body: part.body, ignore: [400] });
    if (answer?.acknowledged) result.copied.push(part.name);
    else result.refused.push({ template: part.name, reason: String(answer?.error?.reason ?? JSON.stringify(answer?.error ?? answer)) });
  }
  return result;
}
