// vitest globalSetup of the fault suite: one leader/follower pair for every file (handed out like the main
// suite's, through `inject("testbed")`), and a small HTTP control endpoint through which a test stops a
// cluster and starts it again. The nodes stay owned by this process, so the teardown stops them whatever
// a test did to them, and no file pays for a pair of its own.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";
import { pauseCluster, resumeCluster, stopNode } from "../testbed/cluster.ts";
import { startPair, stopPair } from "../testbed/pair.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** POST `{url}/stop/leader` (or follower) stops every node of that cluster, data kept; `{url}/kill/…`
     * SIGKILLs them instead (a lost site); `{url}/start/…` starts them again on the same data and ports
     * and answers once the cluster is green. */
    faultControl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const pair = await startPair({ ownerPid: process.pid });
  const control = createServer((req, res) => {
    const [, action, side] = (req.url ?? "").split("/");
    const cluster = side === "leader" ? pair.leader : side === "follower" ? pair.follower : undefined;
    if (req.method !== "POST" || !cluster || (action !== "stop" && action !== "kill" && action !== "start")) {
      res.writeHead(404).end();
      return;
    }
    const done = action === "stop" ? pauseCluster(cluster)
      : action === "kill" ? Promise.all(cluster.nodes.map((node) => stopNode(cluster, node.name, { crash: true }))).then(() => undefined)
      : resumeCluster(cluster, { name: cluster.name, home: cluster.launch.home, repoPath: pair.repoPath, ownerPid: process.pid });
    done.then(() => res.writeHead(200).end(), (err: Error) => res.writeHead(500).end(err.message));
  });
  await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));
  project.provide("testbed", { leader: pair.leader.url, follower: pair.follower.url, repoPath: pair.repoPath, version: pair.version, distributions: pair.distributions });
  project.provide("faultControl", `http://127.0.0.1:${(control.address() as AddressInfo).port}`);
  return async () => {
    control.close();
    await stopPair(pair);
  };
}
