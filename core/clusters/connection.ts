// How ferry reaches a cluster. Plain data, so it can be stored and handed to worker threads.
import type { RemoteAuth, RemoteTls } from "../store/schema.ts";

export interface ClusterConnection {
  hosts: string[];
  auth: RemoteAuth;
  tls: RemoteTls;
}

/** A connection without credentials, for logs and GET responses. */
export function redactConnection(conn: ClusterConnection): ClusterConnection {
  return { hosts: conn.hosts, auth: { type: conn.auth.type, ...(conn.auth.username ? { username: conn.auth.username } : {}) }, tls: { verify: conn.tls.verify ?? true, ...(conn.tls.ca ? { ca: "<set>" } : {}) } };
}
