// The lag-over-time chart: one panel per leader rate, time since the rate started on x, the lag of each
// sampled insert on a logarithmic y axis, ferry's and the plugin's runs as polylines (deletes as dots).
import type { SteadyRun } from "./steady.ts";
import { median } from "./stats.ts";

const W = 1000;
const H = 380;
const M = { left: 64, right: 16, top: 64, bottom: 44 };
const GAP = 18;
const COLOURS: Record<string, string> = { ferry: "#1f6fd1", plugin: "#e3731b" };

/** The run of a system whose summed insert p99 over all rates is the median one: a typical run. */
export function typicalRun(runs: SteadyRun[]): SteadyRun | undefined {
  const score = (r: SteadyRun) => r.phases.reduce((acc, p) => acc + (Number.isFinite(p.inserts.p99) ? p.inserts.p99 : 0), 0);
  const mid = median(runs.map(score));
  return [...runs].sort((a, b) => Math.abs(score(a) - mid) - Math.abs(score(b) - mid))[0];
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

export function lagChart(runs: SteadyRun[], rates: number[], rateSeconds: number, title: string): string {
  const chosen = (["ferry", "plugin"] as const).map((system) => typicalRun(runs.filter((r) => r.system === system))).filter((r): r is SteadyRun => r !== undefined);
  const lags = chosen.flatMap((r) => r.samples.flatMap((s) => (s.lagMs === null ? [] : [s.lagMs])));
  const top = Math.max(1_000, 10 ** Math.ceil(Math.log10(Math.max(1, ...lags))));
  const bottom = 10;
  const panelW = (W - M.left - M.right - GAP * (rates.length - 1)) / rates.length;
  const plotH = H - M.top - M.bottom;
  const y = (ms: number) => M.top + plotH * (1 - (Math.log10(Math.max(bottom, ms)) - Math.log10(bottom)) / (Math.log10(top) - Math.log10(bottom)));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${M.left}" y="18" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  chosen.forEach((r, i) => {
    const x = M.left + i * 260;
    parts.push(`<line x1="${x}" y1="34" x2="${x + 24}" y2="34" stroke="${COLOURS[r.system]}" stroke-width="2"/>`,
      `<text x="${x + 30}" y="38">${r.system} (run ${r.run + 1}): inserts; dots: deletes</text>`);
  });
  for (let ms = bottom; ms <= top; ms *= 10) {
    const label = ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
    parts.push(`<line x1="${M.left}" y1="${y(ms)}" x2="${W - M.right}" y2="${y(ms)}" stroke="#ddd"/>`,
      `<text x="${M.left - 6}" y="${y(ms) + 4}" text-anchor="end">${label}</text>`);
  }
  parts.push(`<text x="14" y="${M.top + plotH / 2}" transform="rotate(-90 14 ${M.top + plotH / 2})" text-anchor="middle">lag (log scale)</text>`);
  rates.forEach((rate, p) => {
    const x0 = M.left + p * (panelW + GAP);
    const x = (s: number) => x0 + (Math.min(s, rateSeconds) / rateSeconds) * panelW;
    parts.push(`<rect x="${x0}" y="${M.top}" width="${panelW}" height="${plotH}" fill="none" stroke="#999"/>`,
      `<text x="${x0 + panelW / 2}" y="${M.top - 6}" text-anchor="middle">${rate} docs/s</text>`,
      `<text x="${x0}" y="${H - M.bottom + 16}">0</text>`,
      `<text x="${x0 + panelW}" y="${H - M.bottom + 16}" text-anchor="end">${rateSeconds} s</text>`);
    for (const r of chosen) {
      const of = r.samples.filter((s) => s.rate === rate && s.lagMs !== null).sort((a, b) => a.at - b.at);
      const line = of.filter((s) => s.kind === "insert").map((s) => `${x(s.at).toFixed(1)},${y(s.lagMs!).toFixed(1)}`).join(" ");
      parts.push(`<polyline fill="none" stroke="${COLOURS[r.system]}" stroke-width="1.2" points="${line}"/>`);
      for (const s of of.filter((d) => d.kind === "delete")) {
        parts.push(`<circle cx="${x(s.at).toFixed(1)}" cy="${y(s.lagMs!).toFixed(1)}" r="1.8" fill="${COLOURS[r.system]}" opacity="0.6"/>`);
      }
    }
  });
  parts.push(`<text x="${M.left + (W - M.left - M.right) / 2}" y="${H - 10}" text-anchor="middle">seconds since the leader's writes at this rate began (time of the leader's acknowledgement)</text>`, "</svg>");
  return parts.join("\n");
}
