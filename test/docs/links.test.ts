// The README stays short and every link in it and in docs/ leads somewhere: to a file of the repository
// and, for `page.md#anchor`, to a heading of that page.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { headingAnchors, headingSlug, linkTargets } from "./markdown-links.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const pages = [join(root, "README.md"), ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => join(root, "docs", f))];

/** Why `target`, linked from `page`, leads nowhere; undefined when it resolves. */
function brokenBecause(page: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto: — not the repository's
  const [path, anchor] = target.split("#", 2) as [string, string | undefined];
  const file = path === "" ? page : join(dirname(page), decodeURIComponent(path));
  if (!existsSync(file)) return `${relative(root, file)} does not exist`;
  if (anchor === undefined) return undefined;
  if (!file.endsWith(".md") || statSync(file).isDirectory()) return `#${anchor} points into ${relative(root, file)}, which has no headings`;
  if (!headingAnchors(readFileSync(file, "utf8")).has(anchor)) return `${relative(root, file)} has no heading #${anchor}`;
  return undefined;
}

describe("documentation links", () => {
  it("keeps the README at 250 lines or fewer", () => {
    const lines = readFileSync(join(root, "README.md"), "utf8").replace(/\n$/, "").split("\n").length;
    expect(lines).toBeLessThanOrEqual(250);
  });

  it("finds the README's links to docs/ (a check of no links could not fail)", () => {
    const targets = linkTargets(readFileSync(join(root, "README.md"), "utf8"));
    expect(targets.filter((t) => t.startsWith("docs/")).length).toBeGreaterThan(5);
    expect(pages.length).toBeGreaterThan(5);
  });

  it.each(pages.map((p) => [relative(root, p), p]))("every relative link of %s resolves", (_name, page) => {
    const broken = linkTargets(readFileSync(page, "utf8"))
      .map((target) => ({ target, because: brokenBecause(page, target) }))
      .filter((link) => link.because !== undefined);
    expect(broken).toEqual([]);
  });

  it("slugs headings as GitHub does", () => {
    expect(headingSlug("Live migration: Elasticsearch 7.17 → OpenSearch 2.19")).toBe("live-migration-elasticsearch-717--opensearch-219");
    expect(headingSlug("Release build and the `ferry` command")).toBe("release-build-and-the-ferry-command");
    expect(headingSlug("Security: who may call ferry")).toBe("security-who-may-call-ferry");
    expect([...headingAnchors("# A\n\n## A\n\n```\n# not a heading\n```\n")]).toEqual(["a", "a-1"]);
  });
});
