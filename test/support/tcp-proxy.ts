// A TCP proxy between ferry and one real cluster, driven by a fault test: it forwards bytes unchanged
// until told to refuse connections, swallow them (black hole), delay them, cut responses halfway, or drop
// the requests a test names.
// It is not a stand-in for a cluster: every byte that gets through comes from the real one.
import { createServer, connect, type Server, type Socket } from "node:net";

export type ProxyFault =
  | { kind: "none" }
  /** Nothing listens: new connections get ECONNREFUSED, open ones are reset. */
  | { kind: "refuse" }
  /** Connections open, but nothing sent either way arrives. When it ends, the connections it swallowed
   * are reset, as the cluster's host answers packets of a connection it has dropped meanwhile. */
  | { kind: "blackhole" }
  /** Every chunk, both ways, arrives `delayMs` late (order kept). */
  | { kind: "slow"; delayMs: number }
  /** The first answer on each connection is cut in the middle of a chunk, then both sides are closed. */
  | { kind: "cut" }
  /** What the client sends arrives `delayMs` late, as over a long link: also when the client closed the
   * connection meanwhile (bytes already on the wire still arrive, and the close after them). Answers are
   * not delayed. With `requests`, only connections that carried a request whose line matches are slow,
   * from that request on: a cluster that takes long over one kind of request. */
  | { kind: "latency"; delayMs: number; requests?: RegExp }
  /** Requests whose line `match` accepts never reach the cluster: their connection is reset (the client
   * sees a transient network error), or with `hold` swallowed as by a black hole until the fault changes,
   * so that a test can act while the client waits at that request. Other requests pass unchanged. */
  | { kind: "drop-requests"; match: (requestLine: string) => boolean; hold?: boolean };

interface Link {
  client: Socket;
  upstream: Socket;
  /** Swallowed by a black hole: silent until the black hole ends or someone closes it. */
  dead: boolean;
  /** Where the last delayed chunk of each direction is, so that delays keep the order. */
  toUpstream: Promise<void>;
  toClient: Promise<void>;
  /** Request lines sent on this connection whose answer has not begun (HTTP/1.1 without pipelining). */
  unanswered: string[];
  /** Carried a request that a `latency` fault with `requests` slows down. */
  latent: boolean;
}

export interface ProxyCounts {
  connections: number;
  refused: number;
  swallowed: number;
  cut: number;
  /** HTTP requests that came from the client and went on towards the cluster (benchmarks count a
   * client's load on the cluster with it); a stream the reader cannot follow stops being counted. */
  requests: number;
  /** Bytes the cluster sent back (answers, headers included): a test of what a client asks for. */
  answerBytes: number;
}

/**
 * Follows one client-to-cluster byte stream as HTTP/1.1 requests, to count them. Matching a request
 * line per chunk would miscount: keep-alive carries several requests per connection, one chunk may hold
 * the end of one and the start of the next or only part of a request line, and a body may contain
 * text that looks like one. So the stream is read message by message: head, then the body its
 * Content-Length or chunked encoding announces, skipped.
 */
class RequestReader {
  private buffer: Buffer = Buffer.alloc(0);
  private state: "head" | "body" | "chunk-size" | "chunk-data" | "trailer" | "lost" = "head";
  private remaining = 0;

  constructor(private readonly onRequest: (requestLine: string, headers: string[]) => void) {}

  push(chunk: Buffer): void {
    if (this.state === "lost") return;
    this.buffer = this.buffer.length > 0 ? Buffer.concat([this.buffer, chunk]) : chunk;
    while (this.step()) { /* one message part per step */ }
  }

  /** Consumes one part of a message from the buffer; false when it needs more bytes. */
  private step(): boolean {
    switch (this.state) {
      case "lost":
        return false;
      case "head": {
        const end = this.buffer.indexOf("\r\n\r\n");
        if (end < 0) {
          // A head this long is not one this reader understands; stop rather than buffer forever.
          if (this.buffer.length > 64 * 1024) this.state = "lost";
          return false;
        }
        const [line = "", ...headers] = this.buffer.subarray(0, end).toString("latin1").split("\r\n");
        this.buffer = this.buffer.subarray(end + 4);
        if (!/^[A-Z]+ \S+ HTTP\/1\.[01]$/.test(line)) {
          this.state = "lost";
          return false;
        }
        this.onRequest(line, headers);
        let length = 0;
        let chunked = false;
        for (const header of headers) {
          const colon = header.indexOf(":");
          const name = header.slice(0, colon).trim().toLowerCase();
          const value = header.slice(colon + 1).trim();
          if (name === "content-length") length = Number(value);
          else if (name === "transfer-encoding" && /chunked/i.test(value)) chunked = true;
        }
        if (chunked) this.state = "chunk-size";
        else if (length > 0) {
          this.state = "body";
          this.remaining = length;
        }
        return true;
      }
      case "body":
      case "chunk-data": {
        const n = Math.min(this.remaining, this.buffer.length);
        this.buffer = this.buffer.subarray(n);
        this.remaining -= n;
        if (this.remaining > 0) return false;
        this.state = this.state === "body" ? "head" : "chunk-size";
        return true;
      }
      case "chunk-size": {
        const end = this.buffer.indexOf("\r\n");
        if (end < 0) return false;
        const size = parseInt(this.buffer.subarray(0, end).toString("latin1").split(";")[0]!, 16);
        this.buffer = this.buffer.subarray(end + 2);
        if (Number.isNaN(size)) {
          this.state = "lost";
          return false;
        }
        // Each chunk's data is followed by CRLF; the last (size 0) by optional trailers and an empty line.
        if (size === 0) this.state = "trailer";
        else {
          this.state = "chunk-data";
          this.remaining = size + 2;
        }
        return true;
      }
      case "trailer": {
        const end = this.buffer.indexOf("\r\n");
        if (end < 0) return false;
        this.buffer = this.buffer.subarray(end + 2);
        if (end === 0) this.state = "head";
        return true;
      }
    }
  }
}

export class TcpProxy {
  private fault: ProxyFault = { kind: "none" };
  private readonly links = new Set<Link>();
  private server: Server;
  readonly counts: ProxyCounts = { connections: 0, refused: 0, swallowed: 0, cut: 0, requests: 0, answerBytes: 0 };
  /** Called with each counted request's line (`GET /x/_stats?level=shards HTTP/1.1`), for a benchmark
   * that wants to know which requests a client sends. */
  onRequest: ((requestLine: string) => void) | undefined;
  /** Called with each counted request's line and raw header lines (`authorization: Basic ...`), for a
   * test that checks which credentials a client sent the cluster. */
  onRequestHead: ((requestLine: string, headers: string[]) => void) | undefined;
  /** Called with a counted request's line once its answer begins or its connection is gone: with
   * `onRequest`, a test sees which requests are in flight at the same time. */
  onRequestEnd: ((requestLine: string) => void) | undefined;
  /** Latency deliveries still on their way for connections the client already closed. */
  private readonly lateDeliveries = new Set<Promise<void>>();

  private constructor(private readonly target: { host: string; port: number }, private port: number) {
    this.server = this.newServer();
  }

  /** A proxy on a free port of 127.0.0.1 in front of `targetUrl` (http://host:port). */
  static async start(targetUrl: string): Promise<TcpProxy> {
    const url = new URL(targetUrl);
    const proxy = new TcpProxy({ host: url.hostname, port: Number(url.port) }, 0);
    await proxy.listen();
    return proxy;
  }

  /** The address ferry is given instead of the cluster's. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get current(): ProxyFault {
    return this.fault;
  }

  async set(fault: ProxyFault): Promise<void> {
    const before = this.fault;
    this.fault = fault;
    if (fault.kind === "refuse" && before.kind !== "refuse") {
      // Close the listening socket (the port stays ours in practice: nothing else binds it meanwhile).
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      for (const link of this.links) this.drop(link, true);
      await closed;
    } else if (fault.kind !== "refuse" && before.kind === "refuse") {
      this.server = this.newServer();
      await this.listen();
    }
    if (fault.kind === "blackhole") {
      for (const link of this.links) if (!link.dead) this.swallow(link);
    } else if (before.kind === "blackhole" || before.kind === "drop-requests") {
      for (const link of this.links) if (link.dead) this.drop(link, true);
    }
  }

  /** Resolves once every byte the clients sent so far has been delivered to the cluster. */
  async delivered(): Promise<void> {
    await Promise.all([...[...this.links].map((l) => l.toUpstream), ...this.lateDeliveries]);
  }

  async close(): Promise<void> {
    for (const link of this.links) this.drop(link, true);
    if (this.server.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private newServer(): Server {
    const server = createServer((client) => this.accept(client));
    server.on("error", () => undefined);
    return server;
  }

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.port, "127.0.0.1", () => {
        this.server.off("error", reject);
        const address = this.server.address();
        if (typeof address === "object" && address) this.port = address.port;
        resolve();
      });
    });
  }

  private accept(client: Socket): void {
    this.counts.connections++;
    if (this.fault.kind === "refuse") {
      // A connection that raced the close of the listening socket.
      this.counts.refused++;
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(this.target.port, this.target.host);
    const link: Link = { client, upstream, dead: false, toUpstream: Promise.resolve(), toClient: Promise.resolve(), unanswered: [], latent: false };
    this.links.add(link);
    if (this.fault.kind === "blackhole") this.swallow(link);
    let cutDone = false;
    /** Set while reading a chunk whose request the current fault drops. */
    let dropped = false;
    const requests = new RequestReader((line, headers) => {
      if (this.fault.kind === "drop-requests" && this.fault.match(line)) dropped = true;
      this.counts.requests++;
      link.unanswered.push(line);
      if (this.fault.kind === "latency" && this.fault.requests?.test(line)) link.latent = true;
      this.onRequest?.(line);
      this.onRequestHead?.(line, headers);
    });

    client.on("data", (chunk: Buffer) => {
      if (link.dead) return;
      try {
        requests.push(chunk);
      } catch {
        // Counting is an observer: whatever goes wrong in it must not change what the proxy forwards.
      }
      // Clients here send one request at a time per connection, so the chunk holds no other request.
      if (dropped && this.fault.kind === "drop-requests") {
        if (this.fault.hold) this.swallow(link);
        else this.drop(link, true);
        return;
      }
      this.forward(link, "toUpstream", upstream, chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (link.dead) return;
      this.counts.answerBytes += chunk.length;
      const answered = link.unanswered.shift();
      if (answered !== undefined) this.onRequestEnd?.(answered);
      if (this.fault.kind === "cut" && !cutDone) {
        cutDone = true;
        this.counts.cut++;
        // Half of what the cluster sent, then the connection ends: a response cut in the middle.
        client.write(chunk.subarray(0, Math.max(1, Math.floor(chunk.length / 2))), () => this.drop(link, false));
        return;
      }
      this.forward(link, "toClient", client, chunk);
    });
    client.on("end", () => {
      if (link.dead) return;
      // A latency link closes behind the bytes still on their way.
      if (this.isLatent(link)) void link.toUpstream.then(() => upstream.end());
      else upstream.end();
    });
    upstream.on("end", () => !link.dead && client.end());
    client.on("error", () => this.drop(link, false));
    upstream.on("error", () => this.drop(link, true));
    client.on("close", () => (this.isLatent(link) ? this.closeAfterDelivery(link) : this.drop(link, false)));
    upstream.on("close", () => !link.dead && this.drop(link, false));
  }

  private forward(link: Link, direction: "toUpstream" | "toClient", to: Socket, chunk: Buffer): void {
    if (this.fault.kind === "latency" && direction === "toUpstream" && this.isLatent(link)) {
      const due = Date.now() + this.fault.delayMs;
      link.toUpstream = link.toUpstream.then(() => new Promise<void>((resolve) => setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
        resolve();
      }, Math.max(0, due - Date.now()))));
      return;
    }
    if (this.fault.kind !== "slow") {
      // Behind a delayed chunk still on its way, this one waits its turn.
      link[direction] = link[direction].then(() => void (to.destroyed || to.write(chunk)));
      return;
    }
    const delay = this.fault.delayMs;
    link[direction] = link[direction].then(() => new Promise<void>((resolve) => setTimeout(() => {
      if (!link.dead && !to.destroyed) to.write(chunk);
      resolve();
    }, delay)));
  }

  private swallow(link: Link): void {
    link.dead = true;
    this.counts.swallowed++;
    // The cluster side goes away (it would time out); the client side stays open and silent.
    link.upstream.destroy();
  }

  private isLatent(link: Link): boolean {
    return this.fault.kind === "latency" && (this.fault.requests === undefined || link.latent);
  }

  /** The client is gone, but what it sent is still on its way: deliver it, then close towards the cluster. */
  private closeAfterDelivery(link: Link): void {
    if (!this.links.delete(link)) return;
    this.endRequests(link);
    const delivery = link.toUpstream.then(() => void link.upstream.end());
    this.lateDeliveries.add(delivery);
    void delivery.finally(() => this.lateDeliveries.delete(delivery));
  }

  private endRequests(link: Link): void {
    for (const line of link.unanswered.splice(0)) this.onRequestEnd?.(line);
  }

  private drop(link: Link, reset: boolean): void {
    if (!this.links.delete(link)) return;
    this.endRequests(link);
    if (reset) link.client.resetAndDestroy();
    else link.client.destroy();
    link.upstream.destroy();
  }
}
