// Index name expressions as OpenSearch reads them in a path: a comma list of names and `*` wildcards,
// where a term starting with `-` excludes what it matches (`logs-*,-logs-debug-*`). Also the follower
// name template with the `{{leader_index}}` placeholder.
import { globToRegExp } from "../clusters/index-glob.ts";

export const LEADER_INDEX_PLACEHOLDER = "{{leader_index}}";

export interface IndexExpression {
  /** The terms that add names, in order. */
  includes: string[];
  /** The terms (without their `-`) that remove names. */
  excludes: string[];
}

/** What the matcher needs to know about an index besides its name. */
export interface IndexFacts {
  name: string;
  hidden: boolean;
  /** The data stream the index backs, if any: a term naming the stream selects it (docs/data-streams.md). */
  dataStream?: string;
}

export function parseIndexExpression(expression: string): IndexExpression {
  const includes: string[] = [];
  const excludes: string[] = [];
  for (const raw of expression.split(",")) {
    const term = raw.trim();
    if (!term) continue;
    if (term.startsWith("-") && term.length > 1) excludes.push(term.slice(1));
    else includes.push(term);
  }
  return { includes, excludes };
}

export function isWildcard(term: string): boolean {
  return term.includes("*");
}

/** True when `expression` can name more than one index: a wildcard, a list or an exclusion. */
export function isMultiIndexExpression(expression: string): boolean {
  return expression.includes("*") || expression.includes(",") || expression.trim().startsWith("-");
}


/** Whether one include term selects `index`. A wildcard picks neither hidden indices nor dot indices,
 * unless the term itself starts with a dot; a term naming the index exactly always selects it, and a term
 * that selects a data stream's name selects its backing indices. */
function termSelects(term: string, index: IndexFacts): boolean {
  if (index.dataStream !== undefined && (isWildcard(term) ? globToRegExp(term).test(index.dataStream) : term === index.dataStream)) return true;
  if (!isWildcard(term)) return term === index.name;
  if (index.hidden) return false;
  if (index.name.startsWith(".") && !term.startsWith(".")) return false;
  return globToRegExp(term).test(index.name);
}

/** Whether `index` is selected: some include term selects it and no exclude term matches its name (or
 * its data stream's). Exclusions apply to the whole list, wherever they stand in it. */
export function selects(expression: IndexExpression, index: IndexFacts): boolean {
  if (!expression.includes.some((term) => termSelects(term, index))) return false;
  const names = index.dataStream === undefined ? [index.name] : [index.name, index.dataStream];
  return !expression.excludes.some((term) => names.some((name) => globToRegExp(term).test(name)));
}

/** The indices of `candidates` the expression selects, in name order. */
export function selectIndices<T extends IndexFacts>(expression: IndexExpression, candidates: T[]): T[] {
  return candidates.filter((c) => selects(expression, c)).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * How a follower is named from its leader: the template with every `{{leader_index}}` replaced, or,
 * for `*` and for an empty template, the leader's own name.
 */
export function followerName(template: string | undefined, leaderIndex: string): string {
  if (template === undefined || template === "" || template === "*") return leaderIndex;
  return template.split(LEADER_INDEX_PLACEHOLDER).join(leaderIndex);
}

/**
 * The follower of a data stream's backing index: the template names the follower stream from the leader
 * stream's name, and the backing index keeps its generation suffix, as a snapshot restore renames one
 * (`.ds-logs-app-000003` of `logs-app` followed as `logs-copy` is `.ds-logs-copy-000003`). Undefined when
 * the stream is renamed and the index is not named `.ds-<stream>-…` (a shrunk or restored member).
 */
export function memberFollowerName(template: string | undefined, stream: string, backingIndex: string): string | undefined {
  const followerStream = followerName(template, stream);
  if (followerStream === stream) return backingIndex;
  const prefix = `.ds-${stream}-`;
  return backingIndex.startsWith(prefix) ? `.ds-${followerStream}-${backingIndex.slice(prefix.length)}` : undefined;
}

/** True when `template` names a follower per leader index rather than one fixed index. */
export function isFollowerTemplate(template: string): boolean {
  return template === "*" || template.includes(LEADER_INDEX_PLACEHOLDER);
}

// The characters the plugin refuses in an auto-follow pattern; `,` is allowed here because ferry takes
// comma lists with exclusions (plugin #447).
const PATTERN_INVALID_CHARS = ["\\", "/", "?", '"', "<", ">", "|", " "];

/** Problems with a rule's or a bulk request's pattern, in the plugin's wording, one per bad term;
 * `subject` opens each message ("Autofollow pattern" for rules). */
export function patternProblems(pattern: string, subject = "Autofollow pattern"): string[] {
  const { includes, excludes } = parseIndexExpression(pattern);
  if (includes.length === 0) {
    return [pattern.trim() === "" ? `${subject}:  must not be empty` : `${subject}: ${pattern} must name at least one index to include`];
  }
  const problems: string[] = [];
  for (const term of [...includes, ...excludes]) {
    if (PATTERN_INVALID_CHARS.some((c) => term.includes(c))) {
      problems.push(`${subject}: ${term} must not contain the following characters ${PATTERN_INVALID_CHARS.map((c) => `'${c}'`).join(",")}`);
    }
    if (term.includes("#") || term.includes(":")) problems.push(`${subject}: ${term} must not contain '#' or ':'`);
    if (/^[_-]/.test(term)) problems.push(`${subject}: ${term} must not start with '_' or '-'`);
  }
  return problems;
}

/** Natural order: `app-2` before `app-10`, as the plugin sorts `_bulk_status` by numeric suffix. */
export function compareIndexNames(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}
