// The plugin's index-name rules (reference §4.1, check 2), as messages for a validation error.

const INVALID_CHARS = ["\\", "/", "*", "?", '"', "<", ">", "|", " ", ","];

/** Problems with `name` as a follower or leader index name; empty when it is valid. */
export function indexNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length === 0) return ["Value  must not be empty"];
  if (name !== name.toLowerCase()) problems.push(`Value ${name} must be lowercase`);
  if (INVALID_CHARS.some((c) => name.includes(c))) {
    problems.push(`Value ${name} must not contain the following characters ${INVALID_CHARS.map((c) => `'${c}'`).join(",")}`);
  }
  if (name.includes("#") || name.includes(":")) problems.push(`Value ${name} must not contain '#' or ':'`);
  if (name === "." || name === "..") problems.push(`Value ${name} must not be '.' or '..'`);
  if (/^[_\-+]/.test(name)) problems.push(`Value ${name} must not start with '_' or '-' or '+'`);
  if (name.startsWith(".")) problems.push(`Value ${name} must not start with '.'`);
  if (Buffer.byteLength(name, "utf8") > 255) problems.push(`Value ${name} must not be longer than 255 bytes`);
  return problems;
}
