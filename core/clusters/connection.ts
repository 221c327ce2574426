// How ferry reaches a cluster. Plain data, so it can be stored and handed to worker threads.
export interface RemoteAuth {
  type: "none" | "basic" | "api_key";
  username?: string;
  password?: string;
  api_key?: string;
}

export interface RemoteTls {
  ca?: string;
  verify?: boolean;
}

export interface ClusterConnection {
  hosts: string[];
  auth: RemoteAuth;
  tls: RemoteTls;
  /** How long one request may take (`ferry.http.request_timeout`); never stored, set where the
   * connection is handed to the engine. */
  timeoutMs?: number;
}

/** A connection without credentials, for logs and GET responses. */
export function redactConnection(conn: ClusterConnection): ClusterConnection {
  return { hosts: conn.hosts, auth: { type: conn.auth.type, ...(conn.auth.username ? { username: conn.auth.username } : {}) }, tls: { verify: conn.tls.verify ?? true, ...(conn.tls.ca ? { ca: "<set>" } : {}) } };
}
