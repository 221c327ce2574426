// Documents' `_source` exactly as the leader stored them, cut out of the answer's bytes. OpenSearch answers
// a search or mget hit's `_source` with the bytes it was indexed with (when the request has no
// filter_path and asks for the same content type), but JSON.parse and JSON.stringify would change them:
// integer-like keys move to the front, integers beyond 2^53 and numbers like 1.0 or 1e400 lose their
// spelling, escapes and whitespace are rewritten. Working on the bytes also spares ferry the cost of
// decoding a page to text and building an object per document it only passes on.
//
// The scanner checks the structure along the path it walks (brackets, commas, colons, literals, number
// syntax); inside a value it skips, only that brackets match and strings end. A skipped value is the
// leader's own rendering of a document it parsed when it was indexed, and the follower parses it again
// when it is written.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
/** Bytes of a string looked at one by one before the search for its end goes to the native indexOf. */
const SHORT_STRING = 32;

const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;
const LITERALS = ["true", "false", "null"].map((word) => Buffer.from(word));

/**
 * What to pick from a JSON answer: `true` takes a member's raw value, an object the listed members of an
 * object value, and a one-element array that shape in every element of an array value.
 */
export type Shape = true | { readonly [key: string]: Shape } | readonly [Shape];

/** What `pickRaw` found for `S`: raw bytes for `true`, absent members (and elements of another kind) undefined. */
export type Picked<S> = S extends true
  ? Buffer
  : S extends readonly [infer E]
    ? Array<Picked<E> | undefined>
    : { [K in keyof S]?: Picked<S[K]> };

interface Member {
  key: string;
  bytes: Buffer;
  shape: Shape;
}

/** Each object shape's keys as bytes, made once per shape. */
const compiled = new WeakMap<object, Map<string, Member>>();

function membersOf(shape: { readonly [key: string]: Shape }): Map<string, Member> {
  let members = compiled.get(shape);
  if (!members) {
    members = new Map(Object.entries(shape).map(([key, inner]) => [key, { key, bytes: Buffer.from(key), shape: inner }]));
    compiled.set(shape, members);
  }
  return members;
}

class Scanner {
  pos = 0;
  constructor(readonly bytes: Buffer) {}

  fail(what: string): never {
    throw new Error(`malformed JSON at offset ${this.pos}: ${what}`);
  }

  ws(): void {
    const b = this.bytes;
    let at = this.pos;
    for (let c = b[at]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = b[++at]);
    this.pos = at;
  }

  /** The next significant byte, whitespace skipped; -1 at the end. */
  peek(): number {
    this.ws();
    return this.bytes[this.pos] ?? -1;
  }

  expect(byte: number): void {
    if (this.peek() !== byte) this.fail(`expected '${String.fromCharCode(byte)}'`);
    this.pos++;
  }

  /** The offset just past the string that opens at `start`. */
  stringEnd(start: number): number {
    const b = this.bytes;
    if (b[start] !== QUOTE) {
      this.pos = start;
      this.fail("expected a string");
    }
    // Most strings in a document are short: looking at their bytes costs less than a native call.
    const short = Math.min(b.length, start + 1 + SHORT_STRING);
    for (let at = start + 1; at < short; at++) {
      const c = b[at];
      if (c === QUOTE) return at + 1;
      if (c === BACKSLASH) at++;
      else if (at + 1 === short) return this.longStringEnd(at + 1);
    }
    if (short === b.length) {
      this.pos = start;
      this.fail("unterminated string");
    }
    // An escape ran past the short part.
    return this.longStringEnd(short);
  }

  /** The end of a string whose bytes before `from` hold no closing quote, nor a half escape. */
  private longStringEnd(from: number): number {
    const b = this.bytes;
    for (let at = from; ;) {
      const quote = b.indexOf(QUOTE, at);
      if (quote < 0) {
        this.pos = from;
        this.fail("unterminated string");
      }
      // A quote preceded by an odd number of backslashes is escaped.
      let slashes = 0;
      while (b[quote - 1 - slashes] === BACKSLASH) slashes++;
      at = quote + 1;
      if (slashes % 2 === 0) return at;
    }
  }

  /** The member of `members` whose key is the string here, consumed; undefined for any other key. */
  key(members: Map<string, Member>): Member | undefined {
    const b = this.bytes;
    const start = this.pos + 1;
    this.pos = this.stringEnd(this.pos);
    const end = this.pos - 1;
    for (let at = start; at < end; at++) {
      if (b[at] === BACKSLASH) return members.get(JSON.parse(b.toString("utf8", start - 1, end + 1)) as string);
    }
    for (const member of members.values()) {
      const k = member.bytes;
      if (k.length !== end - start) continue;
      let i = 0;
      while (i < k.length && k[i] === b[start + i]) i++;
      if (i === k.length) return member;
    }
    return undefined;
  }

  /** Calls `member` at each value of the object here; `member` must consume that value. */
  members(members: Map<string, Member>, member: (m: Member | undefined) => void): void {
    this.expect(OPEN_OBJECT);
    if (this.peek() === CLOSE_OBJECT) {
      this.pos++;
      return;
    }
    for (;;) {
      this.ws();
      const m = this.key(members);
      this.expect(COLON);
      this.ws();
      member(m);
      const next = this.peek();
      this.pos++;
      if (next === CLOSE_OBJECT) return;
      if (next !== COMMA) this.fail("expected ',' or '}'");
    }
  }

  /** Calls `element` at each value of the array here; `element` must consume that value. */
  elements(element: () => void): void {
    this.expect(OPEN_ARRAY);
    if (this.peek() === CLOSE_ARRAY) {
      this.pos++;
      return;
    }
    for (;;) {
      this.ws();
      element();
      const next = this.peek();
      this.pos++;
      if (next === CLOSE_ARRAY) return;
      if (next !== COMMA) this.fail("expected ',' or ']'");
    }
  }

  /** Skips one value; returns its raw bytes (a view, not a copy). */
  value(): Buffer {
    const c = this.peek();
    const start = this.pos;
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) this.skipNested();
    else if (c === QUOTE) this.pos = this.stringEnd(start);
    else if (!this.literal()) this.number();
    return this.bytes.subarray(start, this.pos);
  }

  private literal(): boolean {
    const b = this.bytes;
    for (const word of LITERALS) {
      let i = 0;
      while (i < word.length && b[this.pos + i] === word[i]) i++;
      if (i === word.length) {
        this.pos += i;
        return true;
      }
    }
    return false;
  }

  /** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
  private number(): void {
    const b = this.bytes;
    let at = this.pos;
    if (b[at] === 0x2d) at++;
    if (b[at] === 0x30) at++;
    else if (isDigit(b[at])) while (isDigit(b[at])) at++;
    else this.fail("expected a value");
    if (b[at] === 0x2e) {
      if (!isDigit(b[++at])) this.fail("expected a digit after '.'");
      while (isDigit(b[at])) at++;
    }
    if (b[at] === 0x65 || b[at] === 0x45) {
      if (b[at + 1] === 0x2b || b[at + 1] === 0x2d) at++;
      if (!isDigit(b[++at])) this.fail("expected a digit in the exponent");
      while (isDigit(b[at])) at++;
    }
    this.pos = at;
  }

  /** Skips an object or array by matching its brackets, strings jumped whole: a source is most of the
   * answer, and walking it member by member would cost more than parsing it. */
  private skipNested(): void {
    const b = this.bytes;
    const closers: number[] = [];
    let at = this.pos;
    for (;;) {
      const c = b[at];
      if (c === QUOTE) {
        at = this.stringEnd(at);
        continue;
      }
      if (c === OPEN_OBJECT) closers.push(CLOSE_OBJECT);
      else if (c === OPEN_ARRAY) closers.push(CLOSE_ARRAY);
      else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (closers.pop() !== c) {
          this.pos = at;
          this.fail("mismatched bracket");
        }
        if (closers.length === 0) break;
      } else if (c === undefined) {
        this.pos = at;
        this.fail("unterminated object or array");
      }
      at++;
    }
    this.pos = at + 1;
  }

  /** The value here, picked by `shape`: undefined when it is not of the shape's kind. */
  pick(shape: Shape): unknown {
    if (shape === true) return this.value();
    const c = this.peek();
    if (Array.isArray(shape)) {
      if (c !== OPEN_ARRAY) return void this.value();
      const found: unknown[] = [];
      const inner = (shape as readonly [Shape])[0];
      this.elements(() => found.push(this.pick(inner)));
      return found;
    }
    if (c !== OPEN_OBJECT) return void this.value();
    const found: Record<string, unknown> = {};
    const members = membersOf(shape as { readonly [key: string]: Shape });
    this.members(members, (m) => {
      if (!m) return void this.value();
      found[m.key] = this.pick(m.shape);
    });
    return found;
  }
}

/**
 * The raw bytes of the values `shape` names in the JSON document `bytes` (views into it, in one pass);
 * a document that is not an object answers `{}`.
 */
export function pickRaw<S extends { readonly [key: string]: Shape }>(bytes: Buffer, shape: S): Picked<S> {
  const s = new Scanner(bytes);
  const found = (s.pick(shape) ?? {}) as Picked<S>;
  s.ws();
  if (s.pos !== bytes.length) s.fail("text after the document");
  return found;
}

/** A raw JSON value picked by `pickRaw`, parsed: for the small values beside a source (ids, numbers,
 * headers). A string without escapes and a small non-negative integer, which every hit carries (its id and
 * sequence number), are read straight from the bytes the scanner checked. */
export function parseRaw<T>(raw: Buffer | undefined): T | undefined {
  if (raw === undefined) return undefined;
  const n = raw.length;
  if (raw[0] === QUOTE && !raw.includes(BACKSLASH)) return raw.toString("utf8", 1, n - 1) as T;
  if (n <= 15 && raw.every(isDigit)) {
    let value = 0;
    for (const digit of raw) value = value * 10 + digit - 0x30;
    return value as T;
  }
  return JSON.parse(raw.toString("utf8")) as T;
}
