/**
 * `npm run bench`: how long `npm run plan` takes and how much memory it needs, for the dev stack
 * and for fleets of 10, 100 and 1,000 devices. Each scenario runs several times as a fresh
 * process (so Node start-up counts); the table shows the median wall time and the median peak
 * resident memory. Exits 1 when a target is missed:
 *   dev within 3 s; 1,000 devices within 15 s and 1 GB; time growing linearly with devices;
 *   fleetProvisioning dps: 10,000 devices within 1.2x the 1-device plan and within 3 s.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import * as path from "node:path";
import { benchVerdicts, dpsVerdicts, median, type BenchRow } from "../lib/plan/bench";

const planJs = path.join(__dirname, "plan.js");

interface Scenario {
  name: string;
  devices: number;
  runs: number;
  set: string[];
  dps?: boolean;
}

// A fleet on the default micro agent sends ~3,200 metered messages a device a day; 10 S1 units
// hold 1,000 devices, so the budget check passes and the plan measures declaration, not errors.
const fleet = (n: number, runs: number): Scenario => ({
  name: `dev, ${n} devices`,
  devices: n,
  runs,
  set: [`edgeDeviceCount=${n}`, "hubUnits=10", "simulatedDevices=1"],
});
// dps: nothing is declared per device; one S3 unit holds 10,000 devices' security messages.
const dpsFleet = (n: number): Scenario => ({
  name: `dev, dps, ${n} device(s)`,
  devices: n,
  runs: 5,
  set: ["fleetProvisioning=dps", `edgeDeviceCount=${n}`, "hubSku=S3", "hubUnits=1", "simulatedDevices=1"],
  dps: true,
});
const SCENARIOS: Scenario[] = [{ name: "dev stack", devices: 1, runs: 5, set: [] }, fleet(10, 3), fleet(100, 3), fleet(1000, 3), dpsFleet(1), dpsFleet(10000)];

function runOnce(s: Scenario, out: string): { seconds: number; rssMb: number; resources: number } {
  const args = [planJs, "--stack", "dev", "--quiet", "--stats", "--out", out, ...s.set.flatMap((kv) => ["--set", kv])];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`plan failed for ${s.name}: ${r.stderr || r.stdout}`);
  const line = r.stdout.split("\n").find((l) => l.startsWith('{"stats"'));
  if (!line) throw new Error(`plan printed no stats for ${s.name}`);
  const stats = (JSON.parse(line) as { stats: { resources: number; maxRssKb: number } }).stats;
  return { seconds, rssMb: stats.maxRssKb / 1024, resources: stats.resources };
}

function main(): number {
  const work = mkdtempSync(path.join(tmpdir(), "plan-bench-"));
  const rows: BenchRow[] = [];
  try {
    for (const s of SCENARIOS) {
      const runs = Array.from({ length: s.runs }, () => runOnce(s, work));
      rows.push({
        scenario: s.name,
        devices: s.devices,
        resources: runs[0].resources,
        runs: s.runs,
        medianSeconds: median(runs.map((r) => r.seconds)),
        medianRssMb: median(runs.map((r) => r.rssMb)),
        dps: s.dps,
      });
      process.stderr.write(`${s.name}: ${runs.map((r) => r.seconds.toFixed(2)).join(" s, ")} s\n`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const verdicts = [...benchVerdicts(rows), ...dpsVerdicts(rows)];
  const table = [
    `Plan benchmark on ${cpus().length} cores, Node ${process.version} (median of the runs; wall time includes Node start-up)`,
    "",
    "| scenario | devices | resources | runs | median wall time | median peak memory |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map((r) => `| ${r.scenario} | ${r.devices} | ${r.resources} | ${r.runs} | ${r.medianSeconds.toFixed(2)} s | ${r.medianRssMb.toFixed(0)} MB |`),
    "",
    ...verdicts.map((v) => `- ${v.ok ? "PASS" : "FAIL"} ${v.target}: ${v.measured}`),
    "",
  ].join("\n");
  console.log(table);
  const outDir = path.join(process.cwd(), "out");
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, "bench.md"), table);
  return verdicts.every((v) => v.ok) ? 0 : 1;
}

process.exit(main());
