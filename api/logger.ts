// ferry's log: JSON lines on stderr through pino, at the level FERRY_LOG_LEVEL names. Secrets never reach
// it: nothing logs a configuration, a request body or a header other than X-Opaque-Id, and should a
// credential field ever be passed anyway, `redact` blanks it at any depth up to four.
import { pino, type Logger } from "pino";
import type { LogLevel } from "../core/config/config.ts";

export type { Logger };

const SECRET_FIELDS = ["password", "api_key", "apiKey", "authorization", "secret", "secret_key", "secretKey", "key"];

const REDACTED_PATHS = SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`, `*.*.*.${field}`]);

export function createLogger(level: LogLevel, destination: NodeJS.WritableStream | pino.DestinationStream = pino.destination({ dest: 2, sync: true })): Logger {
  return pino({
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    formatters: { level: (label) => ({ level: label }) },
  }, destination);
}

/** For an app built without a log (tests that call `app.request`). */
export const silentLogger: Logger = pino({ level: "silent" });
