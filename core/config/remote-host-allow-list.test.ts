import { describe, expect, it } from "vitest";
import { RemoteHostAllowList } from "./remote-host-allow-list.ts";

describe("RemoteHostAllowList", () => {
  const list = new RemoteHostAllowList(["https://*.example.com:9200", "http://127.0.0.1:*", "https://leader.internal", "http://[::1]:9200"]);

  it.each([
    "https://a.example.com:9200",
    "https://A.Example.COM:9200/",
    "http://127.0.0.1:9200",
    "http://127.0.0.1:1",
    "http://127.1:9300",
    "https://leader.internal",
    "https://leader.internal:443",
    "http://[::1]:9200",
  ])("allows %s", (host) => {
    expect(list.allows(host)).toBe(true);
  });

  it.each([
    ["another port", "https://a.example.com:9201"],
    ["another scheme", "http://a.example.com:9200"],
    ["a deeper name than one label", "https://a.b.example.com:9200"],
    ["the bare domain", "https://example.com:9200"],
    ["a suffix trick", "https://a.example.com.evil.net:9200"],
    ["userinfo naming an allowed host", "https://a.example.com:9200@evil.net:9200"],
    ["the default port when the pattern names another", "https://a.example.com"],
    ["another port than the default", "https://leader.internal:9200"],
    ["not a URL", "leader:9200"],
  ])("refuses %s", (_why, host) => {
    expect(list.allows(host)).toBe(false);
  });

  it("names the first refused host and what the setting allows", () => {
    expect(list.refused(["http://127.0.0.1:9200", "https://evil.net:9200"])).toBe("https://evil.net:9200");
    expect(list.refused(["http://127.0.0.1:9200"])).toBeUndefined();
    expect(list.reason("remote [x]", "https://evil.net:9200")).toBe(
      "remote [x]: host [https://evil.net:9200] is not allowed by remote_hosts_allowed (FERRY_REMOTE_HOSTS_ALLOWED), " +
      "which allows [https://*.example.com:9200, http://127.0.0.1:*, https://leader.internal, http://[::1]:9200]");
  });

  it("takes * alone as every host", () => {
    expect(new RemoteHostAllowList(["*"]).allows("https://anything.example:1")).toBe(true);
  });

  it.each(["ftp://a:1", "https://a:port", "a.example.com:9200", "https://a/b"])("refuses the pattern %s", (pattern) => {
    expect(() => new RemoteHostAllowList([pattern])).toThrow(`pattern [${pattern}] must look like`);
  });
});
