// A TCP proxy between ferry and one real cluster, driven by a fault test: it forwards bytes unchanged
// until told to refuse connections, swallow them (black hole), delay them, or cut responses halfway.
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
  | { kind: "cut" };

interface Link {
  client: Socket;
  upstream: Socket;
  /** Swallowed by a black hole: silent until the black hole ends or someone closes it. */
  dead: boolean;
  /** Where the last delayed chunk of each direction is, so that delays keep the order. */
  toUpstream: Promise<void>;
  toClient: Promise<void>;
}

export interface ProxyCounts {
  connections: number;
  refused: number;
  swallowed: number;
  cut: number;
}

export class TcpProxy {
  private fault: ProxyFault = { kind: "none" };
  private readonly links = new Set<Link>();
  private server: Server;
  readonly counts: ProxyCounts = { connections: 0, refused: 0, swallowed: 0, cut: 0 };

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
    } else if (before.kind === "blackhole") {
      for (const link of this.links) if (link.dead) this.drop(link, true);
    }
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
    const link: Link = { client, upstream, dead: false, toUpstream: Promise.resolve(), toClient: Promise.resolve() };
    this.links.add(link);
    if (this.fault.kind === "blackhole") this.swallow(link);
    let cutDone = false;

    client.on("data", (chunk: Buffer) => {
      if (link.dead) return;
      this.forward(link, "toUpstream", upstream, chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (link.dead) return;
      if (this.fault.kind === "cut" && !cutDone) {
        cutDone = true;
        this.counts.cut++;
        // Half of what the cluster sent, then the connection ends: a response cut in the middle.
        client.write(chunk.subarray(0, Math.max(1, Math.floor(chunk.length / 2))), () => this.drop(link, false));
        return;
      }
      this.forward(link, "toClient", client, chunk);
    });
    client.on("end", () => !link.dead && upstream.end());
    upstream.on("end", () => !link.dead && client.end());
    client.on("error", () => this.drop(link, false));
    upstream.on("error", () => this.drop(link, true));
    client.on("close", () => this.drop(link, false));
    upstream.on("close", () => !link.dead && this.drop(link, false));
  }

  private forward(link: Link, direction: "toUpstream" | "toClient", to: Socket, chunk: Buffer): void {
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

  private drop(link: Link, reset: boolean): void {
    if (!this.links.delete(link)) return;
    if (reset) link.client.resetAndDestroy();
    else link.client.destroy();
    link.upstream.destroy();
  }
}
