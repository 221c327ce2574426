// Debian's Chromium for the browser tests, driven by playwright-core (which downloads no browser). A
// machine without it gets it installed as .ci/run does; only when that cannot happen do the tests skip,
// and the reason says why.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

// Without the background-networking flags Chromium keeps calling Google's hosts, which this machine's
// closed network refuses; --no-sandbox because tests run as root.
const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync",
];

const INSTALL = "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium";

/** Why there is no Chromium to test with, after trying to install it; undefined when there is one. */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  if (process.getuid?.() !== 0) return `${CHROMIUM} is absent and only root can install it (apt-get install chromium)`;
  try {
    execFileSync("sh", ["-c", INSTALL], { stdio: "pipe", timeout: 600_000 });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim().split("\n").at(-1);
    return `${CHROMIUM} is absent and apt-get could not install it: ${stderr || (err as Error).message}`;
  }
  return existsSync(CHROMIUM) ? undefined : `apt-get installed chromium, but ${CHROMIUM} is still absent`;
}

/** A headless Chromium with a new, empty profile, removed again by `close`. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), "ferry-chromium-"));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1400, height: 900 }, timeout: 120_000,
    });
    return {
      context,
      async close() {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
}
