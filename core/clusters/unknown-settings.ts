// A setting one engine or version has and another lacks (Elasticsearch's `index.lifecycle.*`, a newer
// release's new index setting) is refused by name with "unknown setting [x]". Copying a leader's settings
// to a follower of another engine or version drops exactly those, one refusal at a time, and says which.
import { isFerryError } from "../errors.ts";

const UNKNOWN_SETTING = /unknown setting \[([^\]]+)\]/;

/** Runs `put` with `settings`, dropping each setting the cluster says it does not know; returns the dropped. */
export async function withoutUnknownSettings(
  settings: Record<string, unknown>, put: (settings: Record<string, unknown>) => Promise<unknown>,
): Promise<string[]> {
  const remaining = { ...settings };
  const dropped: string[] = [];
  for (;;) {
    try {
      await put(remaining);
      return dropped;
    } catch (err) {
      const name = isFerryError(err) && !err.retryable ? UNKNOWN_SETTING.exec(err.reason)?.[1] : undefined;
      const key = name === undefined ? undefined : [name, `index.${name}`].find((k) => k in remaining);
      if (key === undefined) throw err;
      delete remaining[key];
      dropped.push(key);
    }
  }
}
