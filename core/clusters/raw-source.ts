// Documents' `_source` exactly as the leader stored them. OpenSearch answers a search or mget hit's
// `_source` with the bytes it was indexed with (when the request has no filter_path and asks for the
// same content type), but JSON.parse and JSON.stringify would change them: integer-like keys move to
// the front, integers beyond 2^53 and numbers like 1.0 or 1e400 lose their spelling, escapes and
// whitespace are rewritten. So the response is kept as text and each `_source` value is cut out of it.
//
// The scanner checks the structure along the path it walks (brackets, commas, colons, literals, number
// syntax); inside a value it skips, only that brackets match and strings end. Callers parse the same text
// with JSON.parse first, which checks the rest.

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  fail(what: string): never {
    throw new Error(`malformed JSON at offset ${this.pos}: ${what}`);
  }

  ws(): void {
    while (WS.has(this.text.charCodeAt(this.pos))) this.pos++;
  }

  /** The next significant character, whitespace skipped. */
  peek(): string {
    this.ws();
    return this.text[this.pos] ?? "";
  }

  expect(ch: string): void {
    if (this.peek() !== ch) this.fail(`expected '${ch}'`);
    this.pos++;
  }

  /** Skips a string; returns its raw text, quotes included. */
  string(): string {
    const start = this.pos;
    if (this.text[start] !== '"') this.fail("expected a string");
    this.pos = this.stringEnd(start);
    return this.text.slice(start, this.pos);
  }

  /** The offset just past the string that opens at `start`. */
  private stringEnd(start: number): number {
    let at = start + 1;
    for (;;) {
      const quote = this.text.indexOf('"', at);
      if (quote < 0) this.fail("unterminated string");
      // A quote preceded by an odd number of backslashes is escaped.
      let slashes = 0;
      while (this.text.charCodeAt(quote - 1 - slashes) === 0x5c) slashes++;
      at = quote + 1;
      if (slashes % 2 === 0) return at;
    }
  }

  key(): string {
    const raw = this.string();
    return raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  }

  /** Calls `member` at each value of the object here; `member` must consume that value. */
  members(member: (key: string) => void): void {
    this.expect("{");
    if (this.peek() === "}") {
      this.pos++;
      return;
    }
    for (;;) {
      this.ws();
      const key = this.key();
      this.expect(":");
      this.ws();
      member(key);
      const next = this.peek();
      this.pos++;
      if (next === "}") return;
      if (next !== ",") this.fail("expected ',' or '}'");
    }
  }

  /** Calls `element` at each value of the array here; `element` must consume that value. */
  elements(element: () => void): void {
    this.expect("[");
    if (this.peek() === "]") {
      this.pos++;
      return;
    }
    for (;;) {
      this.ws();
      element();
      const next = this.peek();
      this.pos++;
      if (next === "]") return;
      if (next !== ",") this.fail("expected ',' or ']'");
    }
  }

  /** Skips one value; returns its raw text. */
  value(): string {
    const ch = this.peek();
    const start = this.pos;
    if (ch === "{" || ch === "[") this.skipNested();
    else if (ch === '"') this.string();
    else if (this.text.startsWith("true", this.pos)) this.pos += 4;
    else if (this.text.startsWith("false", this.pos)) this.pos += 5;
    else if (this.text.startsWith("null", this.pos)) this.pos += 4;
    else {
      NUMBER.lastIndex = this.pos;
      if (!NUMBER.test(this.text)) this.fail("expected a value");
      this.pos = NUMBER.lastIndex;
    }
    return this.text.slice(start, this.pos);
  }

  /** Skips an object or array by matching its brackets, strings jumped whole: a source is most of the
   * text, and walking it member by member would cost more than JSON.parse of the whole answer. */
  private skipNested(): void {
    const closers: number[] = [];
    let at = this.pos;
    for (;;) {
      const c = this.text.charCodeAt(at);
      if (c === 0x22) {
        at = this.stringEnd(at);
        continue;
      }
      if (c === 0x7b) closers.push(0x7d);
      else if (c === 0x5b) closers.push(0x5d);
      else if (c === 0x7d || c === 0x5d) {
        if (closers.pop() !== c) {
          this.pos = at;
          this.fail("mismatched bracket");
        }
        if (closers.length === 0) break;
      } else if (Number.isNaN(c)) {
        this.pos = at;
        this.fail("unterminated object or array");
      }
      at++;
    }
    this.pos = at + 1;
  }
}

/**
 * The raw text of `field` in each element of the array found at `arrayPath` (object keys from the
 * top) of the JSON document `text`, in element order; `undefined` for an element without it. An
 * absent array answers `[]`.
 */
export function rawFieldOfEach(text: string, arrayPath: readonly string[], field: string): Array<string | undefined> {
  const s = new Scanner(text);
  const found: Array<string | undefined> = [];
  const walk = (depth: number): void => {
    if (depth === arrayPath.length) {
      if (s.peek() !== "[") return void s.value();
      s.elements(() => {
        let raw: string | undefined;
        if (s.peek() === "{") s.members((key) => (key === field ? (raw = s.value()) : s.value()));
        else s.value();
        found.push(raw);
      });
      return;
    }
    if (s.peek() !== "{") return void s.value();
    s.members((key) => (key === arrayPath[depth] ? walk(depth + 1) : s.value()));
  };
  walk(0);
  s.ws();
  if (s.pos !== text.length) s.fail("text after the document");
  return found;
}
