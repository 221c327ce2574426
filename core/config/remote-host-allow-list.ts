// Where ferry may connect as a remote: `remote_hosts_allowed` (FERRY_REMOTE_HOSTS_ALLOWED) patterns such as
// `https://*.example.com:9200` or `http://127.0.0.1:*`. Without the list, any host may be registered.

/** The setting's names, for messages that tell a person what to change. */
export const ALLOW_LIST_SETTING = "remote_hosts_allowed (FERRY_REMOTE_HOSTS_ALLOWED)";

interface HostPattern {
  scheme: string;
  host: RegExp;
  /** A port number as text, or "*" for any. */
  port: string;
}

const DEFAULT_PORTS: Record<string, string> = { http: "80", https: "443" };
const PATTERN = /^(https?):\/\/(\[[0-9a-f:.]+\]|[a-z0-9*._-]+)(?::(\d{1,5}|\*))?\/?$/i;

function parsePattern(text: string): HostPattern {
  const match = PATTERN.exec(text.trim());
  if (!match) throw new Error(`pattern [${text}] must look like http(s)://host:port, with * for any port or within a name, or be * alone`);
  const [, scheme, host, port] = match as unknown as [string, string, string, string | undefined];
  const lower = scheme.toLowerCase();
  // `*` stands for one or more characters within one label, as in certificate names: `*.example.com`
  // does not match `a.b.example.com`, and nothing can smuggle in another domain through a dot.
  const source = host.toLowerCase().split("*").map((part) => part.replace(/[.[\]]/g, "\\$&")).join("[^.]+");
  return { scheme: lower, host: new RegExp(`^${source}$`), port: port ?? DEFAULT_PORTS[lower]! };
}

export class RemoteHostAllowList {
  private readonly patterns: HostPattern[] | "any";

  /** `*` alone allows every host, and says so on purpose (no start-up warning). Throws on a bad pattern. */
  constructor(readonly entries: string[]) {
    this.patterns = entries.some((e) => e.trim() === "*") ? "any" : entries.map(parsePattern);
  }

  /** Matches the URL as a client will dial it: userinfo, case and IPv4 shorthands cannot fool the check. */
  allows(hostUrl: string): boolean {
    if (this.patterns === "any") return true;
    let url: URL;
    try {
      url = new URL(hostUrl);
    } catch {
      return false;
    }
    const scheme = url.protocol.replace(/:$/, "");
    const port = url.port || DEFAULT_PORTS[scheme];
    return this.patterns.some((p) => p.scheme === scheme && p.host.test(url.hostname) && (p.port === "*" || p.port === port));
  }

  /** The first host outside the list, if any. */
  refused(hosts: string[]): string | undefined {
    return hosts.find((h) => !this.allows(h));
  }

  /** The reason given wherever a host is refused: the host, the setting, and what it allows. */
  reason(what: string, host: string): string {
    return `${what}: host [${host}] is not allowed by ${ALLOW_LIST_SETTING}, which allows [${this.entries.join(", ")}]`;
  }
}
