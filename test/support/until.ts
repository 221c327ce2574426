// The one way tests wait for a condition on the real clusters: poll it until it holds or time is up.

export async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 90_000, everyMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
