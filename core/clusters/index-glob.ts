// An index name pattern as OpenSearch reads it: `*` matches any run of characters, everything else itself.

export function globToRegExp(glob: string): RegExp {
  const source = glob.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${source}$`);
}
