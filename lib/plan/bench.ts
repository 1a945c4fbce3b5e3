/** The benchmark's arithmetic and its targets (issue: the offline plan). Pure. */

export interface BenchRow {
  scenario: string;
  devices: number;
  resources: number;
  runs: number;
  medianSeconds: number;
  medianRssMb: number;
}

export interface Verdict {
  target: string;
  measured: string;
  ok: boolean;
}

export function median(values: number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Linear growth: the time each added device costs between the two largest fleets is at most
 * twice what it costs between the two smallest (quadratic growth would make it ~10x).
 */
export function benchVerdicts(rows: BenchRow[], targets = { devSeconds: 3, fleetSeconds: 15, fleetMb: 1024 }): Verdict[] {
  const dev = rows.find((r) => r.scenario === "dev stack");
  const fleets = rows.filter((r) => r.scenario !== "dev stack").sort((a, b) => a.devices - b.devices);
  const largest = fleets[fleets.length - 1];
  const verdicts: Verdict[] = [];
  if (dev) verdicts.push({ target: `dev stack within ${targets.devSeconds} s`, measured: `${dev.medianSeconds.toFixed(2)} s`, ok: dev.medianSeconds <= targets.devSeconds });
  if (largest) {
    verdicts.push({ target: `${largest.devices} devices within ${targets.fleetSeconds} s`, measured: `${largest.medianSeconds.toFixed(2)} s`, ok: largest.medianSeconds <= targets.fleetSeconds });
    verdicts.push({ target: `${largest.devices} devices within ${targets.fleetMb} MB`, measured: `${largest.medianRssMb.toFixed(0)} MB`, ok: largest.medianRssMb <= targets.fleetMb });
  }
  if (fleets.length >= 3) {
    const perDevice = (a: BenchRow, b: BenchRow) => (b.medianSeconds - a.medianSeconds) / (b.devices - a.devices);
    const early = perDevice(fleets[0], fleets[1]);
    const late = perDevice(fleets[fleets.length - 2], largest);
    verdicts.push({
      target: "time grows linearly with devices (per-device cost of the largest step at most 2x the smallest step's)",
      measured: `${(early * 1000).toFixed(1)} ms/device for ${fleets[0].devices}->${fleets[1].devices}, ${(late * 1000).toFixed(1)} ms/device for ${fleets[fleets.length - 2].devices}->${largest.devices}`,
      ok: late <= 2 * Math.max(early, 0.001),
    });
  }
  return verdicts;
}

/** One throttled-fleet run: devices created against the fake hub at scaled real rates. */
export interface ThrottledFleetRun {
  devices: number;
  /** The pacing floor at the scaled rates, in seconds. */
  floorSeconds: number;
  tookSeconds: number;
  failures: number;
}

/** The bench's line, exactly: `throttled fleet: <N> devices, floor <F> s, took <T> s, ratio <T/F>, failures <K>`. */
export function throttledFleetLine(r: ThrottledFleetRun): string {
  return `throttled fleet: ${r.devices} devices, floor ${r.floorSeconds.toFixed(1)} s, took ${r.tookSeconds.toFixed(1)} s, ratio ${(r.tookSeconds / r.floorSeconds).toFixed(2)}, failures ${r.failures}`;
}

/** Targets (issue 12): at most 1.2 times the floor, and no failure. */
export function throttledFleetVerdicts(r: ThrottledFleetRun, maxRatio = 1.2): Verdict[] {
  const ratio = r.tookSeconds / r.floorSeconds;
  return [
    { target: `throttled fleet of ${r.devices} within ${maxRatio}x the pacing floor`, measured: `${ratio.toFixed(2)}x`, ok: ratio <= maxRatio },
    { target: `throttled fleet of ${r.devices} without failures`, measured: `${r.failures} failure(s)`, ok: r.failures === 0 },
  ];
}
