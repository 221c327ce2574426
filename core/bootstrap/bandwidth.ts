// What `ferry.bootstrap.max_bytes_per_sec` means for a snapshot bootstrap: the throttles ferry puts on its
// repository on both clusters, and whether the follower's recovery limit caps the restore below it.
// Pure decisions; snapshot-bootstrap.ts and the replication engine act on them.

/** The repository settings that throttle a snapshot (on the leader) and a restore (on the follower). Both
 * go on both clusters so that either repository reads the same. */
export const THROTTLES = ["max_snapshot_bytes_per_sec", "max_restore_bytes_per_sec"] as const;

/** The throttles ferry sets: the setting in bytes (`0b`: no cap, as OpenSearch and Elasticsearch read a
 * rate of 0), less those the configured repository definition gives itself — the operator's choice wins. */
export function repositoryThrottles(configured: Record<string, unknown>, maxBytesPerSec: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of THROTTLES) if (!(name in configured)) out[name] = `${maxBytesPerSec}b`;
  return out;
}

/** The throttles of `wanted` that `current` (a repository's settings as the cluster returns them) lacks. */
export function staleThrottles(current: Record<string, unknown>, wanted: Record<string, string>): string[] {
  return Object.keys(wanted).filter((name) => current[name] !== wanted[name]);
}

const UNITS: Record<string, number> = { b: 1, kb: 2 ** 10, mb: 2 ** 20, gb: 2 ** 30, tb: 2 ** 40, pb: 2 ** 50 };

/** Bytes of a byte-size value as the clusters write them (`40mb`, `100kb`, `0`, `-1`); undefined when unreadable. */
export function byteSize(value: string): number | undefined {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  if (!m) return undefined;
  const unit = m[2]!.toLowerCase();
  if (unit === "") return Number(m[1]);
  const factor = UNITS[unit];
  return factor === undefined ? undefined : Math.floor(Number(m[1]) * factor);
}

export interface RestoreLimit {
  setting: "indices.recovery.max_bytes_per_sec";
  /** As the follower writes it. */
  value: string;
  reason: string;
}

/** The follower's recovery limit when it caps a restore below what the setting allows; undefined otherwise
 * (no limit there, or the setting's own cap is the lower). */
export function restoreLimit(recoveryLimit: string | undefined, maxBytesPerSec: number): RestoreLimit | undefined {
  const bytes = recoveryLimit === undefined ? undefined : byteSize(recoveryLimit);
  if (bytes === undefined || bytes <= 0) return undefined;
  if (maxBytesPerSec > 0 && maxBytesPerSec <= bytes) return undefined;
  const allowed = maxBytesPerSec > 0 ? `${maxBytesPerSec} bytes per second` : "no cap";
  return {
    setting: "indices.recovery.max_bytes_per_sec",
    value: recoveryLimit!,
    reason: `the follower's indices.recovery.max_bytes_per_sec (${recoveryLimit} per node) caps this restore, where ` +
      `ferry.bootstrap.max_bytes_per_sec allows ${allowed}; raise it on the follower (PUT _cluster/settings) for a faster ` +
      "bootstrap, knowing that it bounds peer recoveries as well",
  };
}
