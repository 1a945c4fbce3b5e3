/**
 * `npm run bench`: how long `npm run plan` takes and how much memory it needs, for the dev stack
 * and for fleets of 10, 100 and 1,000 devices. Each scenario runs several times as a fresh
 * process (so Node start-up counts); the table shows the median wall time and the median peak
 * resident memory. Then the throttled fleet (issue 12): 1,000 device identities created through
 * the EdgeDevice provider, all at once as Pulumi's parallel operations would, against the fake
 * hub (tools/lib/fakeHub.ts) enforcing S1 x 1's documented 100 registry operations per minute,
 * with time running THROTTLE_TIME_SCALE times faster (the 10-minute floor takes 20 s).
 * Exits 1 when a target is missed:
 *   dev within 3 s; 1,000 devices within 15 s and 1 GB; time growing linearly with devices;
 *   fleetProvisioning dps: 10,000 devices within 1.2x the 1-device plan and within 3 s;
 *   the throttled fleet within 1.2x its pacing floor and without failures.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import * as path from "node:path";
import { benchVerdicts, dpsVerdicts, median, throttledFleetLine, throttledFleetVerdicts, type BenchRow, type ThrottledFleetRun, type Verdict } from "../lib/plan/bench";
import { IotHubClient } from "../lib/iothub/client";
import { pacingFloorSeconds } from "../lib/iothub/limiter";
import { edgeDeviceProviderWith } from "../lib/iothub/providers";
import { FakeHub } from "./lib/fakeHub";

/** How much faster than real time the fake hub's throttle window runs in the throttled-fleet scenario. */
const THROTTLE_TIME_SCALE = 30;
const THROTTLED_DEVICES = 1000;

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

async function throttledFleet(): Promise<ThrottledFleetRun> {
  // A made-up key for the local fake hub only.
  const key = Buffer.from("bench-fake-hub-policy-key-000000").toString("base64");
  const hub = await FakeHub.start({
    key,
    keyName: "pulumi-dataplane",
    hostName: "bench-hub.azure-devices.net",
    lifetimeMs: 600_000,
    throttle: { sku: "S1", units: 1, timeScale: THROTTLE_TIME_SCALE },
  });
  try {
    const provider = edgeDeviceProviderWith((o) => new IotHubClient({ ...o, baseUrl: hub.baseUrl, timeScale: THROTTLE_TIME_SCALE, maxRetryAfterMs: 60_000 / THROTTLE_TIME_SCALE }));
    const t0 = performance.now();
    const results = await Promise.allSettled(Array.from({ length: THROTTLED_DEVICES }, (_, i) => provider.create({
      hubHostName: hub.hostName,
      hubKey: key,
      keyName: "pulumi-dataplane",
      hubSku: "S1",
      hubUnits: 1,
      deviceId: `edge-${String(i).padStart(4, "0")}`,
      auth: { type: "selfSigned", primaryThumbprint: "AB".repeat(32) },
      tags: { stack: "secure-iot-edge-dev" },
    })));
    const tookSeconds = (performance.now() - t0) / 1000;
    const failures = results.filter((r) => r.status === "rejected").length;
    process.stderr.write(`throttled fleet: ${hub.throttled.registry} registry request(s) answered 429 and retried; ${hub.devices.size} devices in the hub\n`);
    return { devices: THROTTLED_DEVICES, floorSeconds: pacingFloorSeconds({ sku: "S1", units: 1 }, { registry: THROTTLED_DEVICES }, THROTTLE_TIME_SCALE), tookSeconds, failures };
  } finally {
    await hub.close();
  }
}

async function main(): Promise<number> {
  const work = mkdtempSync(path.join(tmpdir(), "plan-bench-"));
  const rows: BenchRow[] = [];
  try {
    // `npm run bench -- --throttled-only` measures only the throttled fleet.
    for (const s of process.argv.includes("--throttled-only") ? [] : SCENARIOS) {
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
  const fleetRun = await throttledFleet();
  const verdicts: Verdict[] = [...benchVerdicts(rows), ...dpsVerdicts(rows), ...throttledFleetVerdicts(fleetRun)];
  const table = [
    `Plan benchmark on ${cpus().length} cores, Node ${process.version} (median of the runs; wall time includes Node start-up)`,
    "",
    "| scenario | devices | resources | runs | median wall time | median peak memory |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map((r) => `| ${r.scenario} | ${r.devices} | ${r.resources} | ${r.runs} | ${r.medianSeconds.toFixed(2)} s | ${r.medianRssMb.toFixed(0)} MB |`),
    "",
    `Throttled fleet: EdgeDevice creates against the fake hub at S1 x 1's documented 100 registry operations/min, time scale ${THROTTLE_TIME_SCALE} (the real floor is ${(fleetRun.floorSeconds * THROTTLE_TIME_SCALE / 60).toFixed(0)} minutes):`,
    "",
    throttledFleetLine(fleetRun),
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

main().then((code) => process.exit(code), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
