// The secured test bed: the same OpenSearch as the plain one with the security plugin installed, serving
// HTTPS with certificates from a CA made per cluster, and users that exist only once a test defines them.
// Setup calls (users, roles) authenticate with an admin client certificate, the way securityadmin does, so
// no password hash is ever written to a file.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, realpath, rename, rm, writeFile } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { javaHome, startCluster, stopCluster, type ClusterHandle } from "./cluster.ts";
import { cacheDir, ensureDistribution, testbedVersion } from "./distribution.ts";
import { artifactKey, cachedArtifact, CentralUnreachableError, MavenFetchError } from "./maven-central.ts";
import { unzip } from "./zip.ts";

const run = promisify(execFile);

/**
 * The security plugin release for each server release. Maven Central has no 2.19.5.0 or 2.19.6.0 of the
 * plugin; 2.19.4.0 is the newest of the 2.19 line, so it runs on the 2.19.6 server (see `patchDescriptor`).
 */
const PLUGIN_FOR_SERVER: Record<string, string> = { "2.19.6": "2.19.4.0" };

/** SHA-1 of the plugin zips as first fetched, as distribution.ts pins the server. */
const PINNED_SHA1: Record<string, string> = {
  "2.19.4.0": "3fa89ece7e3fa2338f8ed3440a65a0b5fa277ae7",
};

export function securityPluginVersion(server = testbedVersion()): string {
  return process.env.FERRY_TESTBED_SECURITY_VERSION || PLUGIN_FOR_SERVER[server] || `${server}.0`;
}

/** The plugin could not be downloaded: the one failure the secured tests skip on instead of failing. */
export class PluginUnavailableError extends Error {}

const READY_MARKER = ".ferry-testbed-ready";

async function downloadPlugin(version: string): Promise<string> {
  const artifact = { groupId: "org.opensearch.plugin", artifactId: "opensearch-security", version, extension: "zip" };
  try {
    return await cachedArtifact(artifact, join(cacheDir(), "downloads"), PINNED_SHA1[version]);
  } catch (err) {
    // Not reaching the artifact at all is the one case to skip on; a checksum mismatch is a failure.
    if (err instanceof CentralUnreachableError || err instanceof MavenFetchError) {
      throw new PluginUnavailableError(`cannot fetch ${artifactKey(artifact)}:${version}: ${(err as Error).message}`);
    }
    throw err;
  }
}

/**
 * The plugin's descriptor names the one server release it was built for, and the plugin installer refuses
 * any other. A descriptor may instead give a semver range (`dependencies`, read by PluginInfo);
 * `~2.19.4` admits the later patch releases of the line, which keep the plugin API.
 */
async function patchDescriptor(zip: string, server: string, workDir: string): Promise<string> {
  const patched = join(workDir, "opensearch-security.zip");
  await cp(zip, patched);
  const unpacked = join(workDir, "plugin");
  await unzip(zip, unpacked);
  const descriptor = join(unpacked, "plugin-descriptor.properties");
  const text = await readFile(descriptor, "utf8");
  const built = /^opensearch\.version=(.+)$/m.exec(text)?.[1]?.trim();
  if (built && built !== server) {
    await writeFile(descriptor, text.replace(/^opensearch\.version=.*$/m, `dependencies={"opensearch":"~${built}"}`));
    // Replaces that one entry; the zip command is the only tool here that writes into an archive.
    await run("zip", ["-q", patched, "plugin-descriptor.properties"], { cwd: unpacked });
  }
  return patched;
}

/** An OpenSearch home with the security plugin installed, cached beside the plain one. */
export async function ensureSecuredDistribution(server = testbedVersion()): Promise<string> {
  const plugin = securityPluginVersion(server);
  const home = join(cacheDir(), `opensearch-${server}-security-${plugin}`);
  if (existsSync(join(home, READY_MARKER))) return home;

  const zip = await downloadPlugin(plugin);
  const plain = await ensureDistribution(server);
  const staging = join(cacheDir(), `.staging-security-${server}-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const unpacked = join(staging, "home");
  // Through realpath: a cache folder may link to the plain home, and cp would copy the link, not the home.
  await cp(await realpath(plain), unpacked, { recursive: true });
  await rm(join(unpacked, READY_MARKER));
  const patched = await patchDescriptor(zip, server, staging);
  await run(join(unpacked, "bin", "opensearch-plugin"), ["install", "--batch", `file://${patched}`], {
    env: { ...process.env, JAVA_HOME: javaHome() },
  }).catch((err: Error & { stdout?: string; stderr?: string }) => {
    throw new Error(`cannot install the security plugin ${plugin} on OpenSearch ${server}: ${err.message}\n${err.stdout ?? ""}${err.stderr ?? ""}`);
  });
  await writeFile(join(unpacked, READY_MARKER), `${new Date().toISOString()}\n`);
  // Publish atomically, as ensureDistribution does.
  await rm(home, { recursive: true, force: true });
  await rename(unpacked, home);
  await rm(staging, { recursive: true, force: true });
  return home;
}

export interface Certificates {
  /** PEM of the cluster's own CA: what a client verifies the nodes against. */
  ca: string;
  /** Subject of the admin certificate, as `plugins.security.authcz.admin_dn` lists it. */
  adminDn: string;
  nodeDn: string;
  /** Files for the node's config directory: node certificate and key, CA. */
  files: Record<string, string>;
  admin: { cert: string; key: string };
}

/** A fresh CA and, signed by it, a node certificate for 127.0.0.1/localhost and an admin client certificate. */
export async function makeCertificates(dir: string, cluster: string): Promise<Certificates> {
  await mkdir(dir, { recursive: true });
  const ca = await makeCa(dir, `${cluster}-ca`);
  const issue = async (name: string, subject: string, extensions: string[]) => {
    const key = join(dir, `${name}-key.pem`);
    const csr = join(dir, `${name}.csr`);
    const cert = join(dir, `${name}.pem`);
    const ext = join(dir, `${name}.ext`);
    await writeFile(ext, `${extensions.join("\n")}\n`);
    // openssl 3 writes PKCS#8 keys, the only PEM key form the plugin reads.
    await run("openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", subject]);
    await run("openssl", ["x509", "-req", "-in", csr, "-CA", ca.certFile, "-CAkey", ca.keyFile, "-CAcreateserial",
      "-days", "30", "-sha256", "-extfile", ext, "-out", cert]);
    return { cert: await readFile(cert, "utf8"), key: await readFile(key, "utf8") };
  };
  const node = await issue("node", `/O=ferry-testbed/OU=${cluster}/CN=node`, [
    "subjectAltName=IP:127.0.0.1,DNS:localhost",
    "keyUsage=critical,digitalSignature,keyEncipherment",
    // Nodes are servers on HTTP and transport, and clients of each other on transport.
    "extendedKeyUsage=serverAuth,clientAuth",
  ]);
  const admin = await issue("admin", `/O=ferry-testbed/OU=${cluster}/CN=admin`, [
    "keyUsage=critical,digitalSignature,keyEncipherment",
    "extendedKeyUsage=clientAuth",
  ]);
  return {
    ca: ca.pem,
    // The plugin compares subjects in RFC 2253 order: most specific first.
    adminDn: `CN=admin,OU=${cluster},O=ferry-testbed`,
    nodeDn: `CN=node,OU=${cluster},O=ferry-testbed`,
    files: { "node.pem": node.cert, "node-key.pem": node.key, "root-ca.pem": ca.pem },
    admin,
  };
}

/** A self-signed CA; also what a test hands ferry as the wrong CA. */
export async function makeCa(dir: string, name: string): Promise<{ pem: string; certFile: string; keyFile: string }> {
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}-key.pem`);
  await run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", certFile,
    "-days", "30", "-sha256", "-subj", `/O=ferry-testbed/CN=${name}`,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  return { pem: await readFile(certFile, "utf8"), certFile, keyFile };
}

export interface TlsClient {
  ca: string;
  basic?: { username: string; password: string };
  /** A client certificate (the admin's), for the plugin's certificate authentication. */
  cert?: { cert: string; key: string };
}

/**
 * A `fetch` over node:https with its own CA and credentials. Node's global fetch takes neither a CA nor a
 * client certificate without the undici package, and the test support speaks `fetch`.
 */
export function tlsFetch(client: TlsClient): typeof fetch {
  return ((input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const headers = new Headers(init?.headers);
    if (client.basic) {
      headers.set("authorization", `Basic ${Buffer.from(`${client.basic.username}:${client.basic.password}`).toString("base64")}`);
    }
    const body = init?.body;
    if (body !== undefined && body !== null && typeof body !== "string") throw new Error("tlsFetch sends string bodies only");
    // Node sends a DELETE's body only with its length (no chunked encoding by default for that method).
    if (typeof body === "string") headers.set("content-length", String(Buffer.byteLength(body)));
    return new Promise<Response>((resolve, reject) => {
      const req = request(url, {
        method: init?.method ?? "GET",
        headers: Object.fromEntries(headers),
        ca: client.ca,
        ...(client.cert ? { cert: client.cert.cert, key: client.cert.key } : {}),
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const status = res.statusCode ?? 500;
          const answer = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) answer.append(name, v);
          }
          resolve(new Response([204, 304].includes(status) ? null : Buffer.concat(chunks), { status, headers: answer }));
        });
      });
      req.on("error", reject);
      req.end(body ?? undefined);
    });
  }) as typeof fetch;
}

/** A secured cluster and what a test needs to reach it. */
export interface SecuredCluster {
  handle: ClusterHandle;
  url: string;
  /** PEM of the CA that signed the nodes' certificates. */
  ca: string;
  /** Superuser access through the admin certificate: setup and checks, never ferry's. */
  admin: typeof fetch;
  /** Folder of the certificates and keys; removed with the cluster. */
  certDir: string;
}

export interface SecuredPair {
  leader: SecuredCluster;
  follower: SecuredCluster;
  repoPath: string;
}

// Only HTTP basic against the internal user database: no anonymous access, no demo users. Users and role
// mappings start empty and are defined through the REST API by the test that needs them.
const SECURITY_CONFIG: Record<string, string> = {
  "opensearch-security/config.yml": [
    "_meta: {type: config, config_version: 2}",
    "config:",
    "  dynamic:",
    "    http: {anonymous_auth_enabled: false}",
    "    authc:",
    "      basic_internal_auth_domain:",
    "        http_enabled: true",
    "        transport_enabled: true",
    "        order: 0",
    "        http_authenticator: {type: basic, challenge: true}",
    "        authentication_backend: {type: intern}",
    "",
  ].join("\n"),
  "opensearch-security/internal_users.yml": "_meta: {type: internalusers, config_version: 2}\n",
  "opensearch-security/roles.yml": "_meta: {type: roles, config_version: 2}\n",
  "opensearch-security/roles_mapping.yml": "_meta: {type: rolesmapping, config_version: 2}\n",
};

async function startSecuredCluster(name: string, home: string, repoPath: string, options: SecuredPairOptions): Promise<SecuredCluster> {
  const certDir = await mkdtemp(join(tmpdir(), `ferry-testbed-certs-${name}-`));
  try {
    const certs = await makeCertificates(certDir, name);
    const admin = tlsFetch({ ca: certs.ca, cert: certs.admin });
    const handle = await startCluster({
      name,
      home,
      repoPath,
      heap: options.heap ?? "384m",
      ...(options.ownerPid ? { ownerPid: options.ownerPid } : {}),
      scheme: "https",
      configFiles: { ...certs.files, ...SECURITY_CONFIG },
      settings: [
        "plugins.security.ssl.transport.pemcert_filepath: node.pem",
        "plugins.security.ssl.transport.pemkey_filepath: node-key.pem",
        "plugins.security.ssl.transport.pemtrustedcas_filepath: root-ca.pem",
        "plugins.security.ssl.http.enabled: true",
        "plugins.security.ssl.http.pemcert_filepath: node.pem",
        "plugins.security.ssl.http.pemkey_filepath: node-key.pem",
        "plugins.security.ssl.http.pemtrustedcas_filepath: root-ca.pem",
        `plugins.security.authcz.admin_dn: [${JSON.stringify(certs.adminDn)}]`,
        `plugins.security.nodes_dn: [${JSON.stringify(certs.nodeDn)}]`,
        // The security index is created from config/opensearch-security/ on first start, without securityadmin.
        "plugins.security.allow_default_init_securityindex: true",
      ],
      probe: admin,
    });
    try {
      await waitForSecurityIndex(handle.url, admin);
    } catch (err) {
      await stopCluster(handle);
      throw err;
    }
    return { handle, url: handle.url, ca: certs.ca, admin, certDir };
  } catch (err) {
    await rm(certDir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * The admin certificate sees the cluster green before the plugin has written its configuration index, and
 * until then every other user is refused; the plugin's own health route says when it is initialised.
 */
async function waitForSecurityIndex(url: string, admin: typeof fetch, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const res = await admin(`${url}/_plugins/_security/health`);
    last = await res.text();
    if (res.ok && (JSON.parse(last) as { status?: string }).status === "UP") return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the security plugin at ${url} did not initialise within ${timeoutMs} ms: ${last}`);
}

export interface SecuredPairOptions {
  ownerPid?: number;
  /** Heap of each node; small by default since the plain pair runs beside it. */
  heap?: string;
}

/** A secured leader and follower of one node each, sharing a snapshot directory like the plain pair. */
export async function startSecuredPair(options: SecuredPairOptions = {}): Promise<SecuredPair> {
  const home = await ensureSecuredDistribution();
  const repoPath = await mkdtemp(join(tmpdir(), "ferry-testbed-repo-"));
  const started = await Promise.allSettled(["leader", "follower"].map((name) => startSecuredCluster(name, home, repoPath, options)));
  const [leader, follower] = started;
  if (leader?.status === "fulfilled" && follower?.status === "fulfilled") return { leader: leader.value, follower: follower.value, repoPath };
  for (const result of started) if (result.status === "fulfilled") await stopSecuredCluster(result.value);
  await rm(repoPath, { recursive: true, force: true });
  throw (started.find((r): r is PromiseRejectedResult => r.status === "rejected"))!.reason;
}

async function stopSecuredCluster(cluster: SecuredCluster): Promise<void> {
  await stopCluster(cluster.handle);
  await rm(cluster.certDir, { recursive: true, force: true });
}

export async function stopSecuredPair(pair: SecuredPair): Promise<void> {
  await Promise.all([stopSecuredCluster(pair.leader), stopSecuredCluster(pair.follower)]);
  await rm(pair.repoPath, { recursive: true, force: true });
}

/** A role in the security plugin's REST form. */
export interface RoleDefinition {
  cluster_permissions: string[];
  index_permissions: Array<{ index_patterns: string[]; allowed_actions: string[] }>;
}

async function admin(cluster: SecuredCluster, method: string, path: string, body: unknown): Promise<void> {
  const res = await cluster.admin(`${cluster.url}${path}`, {
    method, headers: { "content-type": "application/json" }, body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path} on ${cluster.handle.name} → ${res.status}: ${await res.text()}`);
}

/** Creates (or replaces) a user holding exactly one role of its own, named after it. */
export async function defineUser(cluster: SecuredCluster, username: string, password: string, role: RoleDefinition): Promise<void> {
  await admin(cluster, "PUT", `/_plugins/_security/api/roles/${username}`, role);
  await admin(cluster, "PUT", `/_plugins/_security/api/internalusers/${username}`, { password });
  await admin(cluster, "PUT", `/_plugins/_security/api/rolesmapping/${username}`, { users: [username] });
}
