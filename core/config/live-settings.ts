// Tunables changed while ferry runs (`GET|PUT /_ferry/settings`, and the plugin's `plugins.replication.*`
// names through `PUT _cluster/settings`): checked with the bounds of core/config/settings.ts, persisted, and
// written into the one Settings object that every module reads when it needs a value. Precedence:
// default < configuration (FERRY_SETTINGS / file) < API; setting a name to null goes back to configuration.
import { requestErrors } from "../errors.ts";
import type { FerryEventBus } from "../events.ts";
import { isSettingName, settingValue, SETTINGS, type SettingName, type Settings, type SettingSpec } from "./settings.ts";
import type { Store } from "../store/db.ts";
import { deleteSettingOverride, listSettingOverrides, putSettingOverride } from "../store/setting-overrides.ts";

export interface SettingView {
  value: number;
  default: number;
  /** Where `value` comes from. */
  source: "default" | "config" | "api";
  min: number;
  max: number;
  unit: SettingSpec["unit"];
  /** `restart`: read once at start; a change through the API is kept and applies at the next start. */
  applies: "live" | "restart";
  doc: string;
}

export interface SettingsUpdate {
  acknowledged: true;
  /** The values now in force (or, for restart settings, from the next start), by name. */
  applied: Record<string, number>;
  /** Names among them that take effect only at the next start. */
  restart_required: string[];
}

const restartOnly = (name: SettingName) => (SETTINGS[name] as SettingSpec).restart === true;

export class LiveSettings {
  /** Configuration's values before any API override: what null goes back to. */
  private readonly configured: Settings;
  /** Values set through the API, by name. */
  private readonly overrides = new Map<SettingName, number>();

  /** Applies persisted overrides to `values` (the object the rest of ferry holds) before anything reads it. */
  constructor(private readonly db: Store, private readonly values: Settings, private readonly events: FerryEventBus) {
    this.configured = { ...values };
    for (const { name, value } of listSettingOverrides(db)) {
      // A name or bound from another ferry version is dropped rather than failing the start.
      if (!isSettingName(name)) continue;
      try {
        values[name] = settingValue(name, value);
        this.overrides.set(name, values[name]);
      } catch {
        deleteSettingOverride(db, name);
      }
    }
  }

  view(): Record<SettingName, SettingView> {
    const out = {} as Record<SettingName, SettingView>;
    for (const [name, spec] of Object.entries(SETTINGS) as [SettingName, SettingSpec][]) {
      const override = this.overrides.get(name);
      out[name] = {
        value: override ?? this.configured[name],
        default: spec.default,
        source: override !== undefined ? "api" : this.configured[name] !== spec.default ? "config" : "default",
        min: spec.min, max: spec.max, unit: spec.unit,
        applies: spec.restart ? "restart" : "live",
        doc: spec.doc,
      };
    }
    return out;
  }

  /** The values `changes` would set (null: back to configuration); throws a 400 naming every bad one. */
  validate(changes: Record<string, unknown>): Map<SettingName, number | null> {
    const checked = new Map<SettingName, number | null>();
    const problems: string[] = [];
    for (const [name, raw] of Object.entries(changes)) {
      if (!isSettingName(name)) {
        problems.push(`unknown setting [${name}]`);
        continue;
      }
      try {
        checked.set(name, raw === null ? null : settingValue(name, raw));
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    if (problems.length) throw requestErrors.illegalArgument(problems.join("; "));
    return checked;
  }

  /** All or nothing: one bad name or value refuses the whole request. `persist: false` is OpenSearch's
   * `transient`: in force until the next start. */
  update(changes: Record<string, unknown>, persist = true): SettingsUpdate {
    const checked = this.validate(changes);
    const applied: Record<string, number> = {};
    const restartRequired: string[] = [];
    for (const [name, value] of checked) {
      const next = value ?? this.configured[name];
      if (value === null) {
        this.overrides.delete(name);
        deleteSettingOverride(this.db, name);
      } else {
        this.overrides.set(name, value);
        if (persist) putSettingOverride(this.db, name, value);
      }
      applied[name] = next;
      if (restartOnly(name)) restartRequired.push(name);
      else this.values[name] = next;
    }
    this.events.emit("settings:changed", { names: [...checked.keys()].filter((n) => !restartOnly(n)) });
    return { acknowledged: true, applied, restart_required: restartRequired };
  }
}
