// Encryption of the secrets ferry keeps in SQLite (remotes' passwords and API keys): AES-256-GCM with a
// key from FERRY_SECRET_KEY or FERRY_SECRET_KEY_FILE and a random 96-bit nonce per value.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Names the format, so that a later one can be told apart from this. */
const PREFIX = "v1:";

/** A sealed value that this key cannot open: another key, or changed bytes. */
export class SecretOpenError extends Error {}

/** The key's text as configured (base64 of 32 bytes); the message never repeats the text. */
export function decodeSecretKey(text: string, what: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, "base64");
  // Buffer.from skips characters that are not base64, so a round trip is the only strict check.
  if (key.length !== KEY_BYTES || key.toString("base64") !== trimmed) {
    throw new Error(`${what} must be ${KEY_BYTES} random bytes in base64 (44 characters, e.g. from \`openssl rand -base64 32\`)`);
  }
  return key;
}

export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`a secret key has ${KEY_BYTES} bytes`);
  }

  /** `context` (the remote's alias) is authenticated with the value: a sealed value copied to another
   * row does not open there. */
  seal(plaintext: string, context: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, nonce);
    cipher.setAAD(Buffer.from(context, "utf8"));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return PREFIX + Buffer.concat([nonce, cipher.getAuthTag(), body]).toString("base64");
  }

  open(sealed: string, context: string): string {
    if (!sealed.startsWith(PREFIX)) throw new SecretOpenError("not a value sealed by ferry");
    const bytes = Buffer.from(sealed.slice(PREFIX.length), "base64");
    if (bytes.length < NONCE_BYTES + TAG_BYTES) throw new SecretOpenError("sealed value is truncated");
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, bytes.subarray(0, NONCE_BYTES));
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(bytes.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
    } catch {
      throw new SecretOpenError("the key does not open this value (another key, or the value was changed)");
    }
  }
}
