import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeSecretKey, SecretBox, SecretOpenError } from "./secret-box.ts";

describe("SecretBox", () => {
  const box = new SecretBox(randomBytes(32));

  it("opens what it sealed, and never shows the plain text", () => {
    const sealed = box.seal("planted-s3cr3t", "east");
    expect(sealed).toMatch(/^v1:[A-Za-z0-9+/=]+$/);
    expect(sealed).not.toContain("planted");
    expect(Buffer.from(sealed.slice(3), "base64").toString("latin1")).not.toContain("planted");
    expect(box.open(sealed, "east")).toBe("planted-s3cr3t");
  });

  it("uses a new nonce for every value", () => {
    expect(box.seal("same", "east")).not.toBe(box.seal("same", "east"));
  });

  it("refuses another key, another alias and changed bytes", () => {
    const sealed = box.seal("planted-s3cr3t", "east");
    expect(() => new SecretBox(randomBytes(32)).open(sealed, "east")).toThrow(SecretOpenError);
    expect(() => box.open(sealed, "west")).toThrow(SecretOpenError);
    const bytes = Buffer.from(sealed.slice(3), "base64");
    bytes[bytes.length - 1]! ^= 1;
    expect(() => box.open(`v1:${bytes.toString("base64")}`, "east")).toThrow(SecretOpenError);
    expect(() => box.open("plain", "east")).toThrow(SecretOpenError);
    expect(() => box.open("v1:AAAA", "east")).toThrow(SecretOpenError);
  });
});

describe("decodeSecretKey", () => {
  it("takes base64 of 32 bytes, with surrounding white space (a key file's newline)", () => {
    const key = randomBytes(32);
    expect(decodeSecretKey(`${key.toString("base64")}\n`, "FERRY_SECRET_KEY").equals(key)).toBe(true);
  });

  it.each([
    ["too short", randomBytes(16).toString("base64")],
    ["too long", randomBytes(48).toString("base64")],
    ["not base64", "!".repeat(44)],
    ["hex", randomBytes(32).toString("hex")],
  ])("refuses a key that is %s, without repeating it", (_why, text) => {
    let message = "";
    try {
      decodeSecretKey(text, "FERRY_SECRET_KEY");
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain("FERRY_SECRET_KEY must be 32 random bytes in base64");
    expect(message).not.toContain(text);
  });
});
