import assert from "node:assert/strict";
import { test } from "node:test";
import { CATCH_UP_SHARE, documentedRatePerMinute, Pacer, PACING_SAFETY, pacingFloorSeconds, pacingIntervalMs, sharedPacer } from "../../lib/iothub/limiter";

test("documented rates: registry 100/min/unit on F1, S1, S2 and 5,000/min/unit on S3; configurations 20/min/unit", () => {
  assert.equal(documentedRatePerMinute({ sku: "F1", units: 1 }, "registry"), 100);
  assert.equal(documentedRatePerMinute({ sku: "S1", units: 1 }, "registry"), 100);
  assert.equal(documentedRatePerMinute({ sku: "S1", units: 3 }, "registry"), 300);
  assert.equal(documentedRatePerMinute({ sku: "S2", units: 2 }, "registry"), 200);
  assert.equal(documentedRatePerMinute({ sku: "S3", units: 1 }, "registry"), 5000);
  assert.equal(documentedRatePerMinute({ sku: "S3", units: 2 }, "registry"), 10000);
  assert.equal(documentedRatePerMinute({ sku: "S1", units: 1 }, "configuration"), 20);
  assert.equal(documentedRatePerMinute({ sku: "S3", units: 4 }, "configuration"), 80);
});

test("an unknown tier or a unit count below 1 is refused rather than paced at a guessed rate", () => {
  assert.throws(() => documentedRatePerMinute({ sku: "X9", units: 1 }, "registry"), /unknown IoT Hub tier 'X9'; allowed: F1, S1, S2, S3/);
  assert.throws(() => documentedRatePerMinute({ sku: "S1", units: 0 }, "registry"), /units must be a whole number, 1 or more, not 0/);
  assert.throws(() => documentedRatePerMinute({ sku: "S1", units: 1.5 }, "registry"), /not 1.5/);
});

test("the pacing interval keeps a safety margin below the documented rate and follows the time scale", () => {
  assert.equal(pacingIntervalMs({ sku: "S1", units: 1 }, "registry"), 60_000 / (100 * PACING_SAFETY));
  assert.equal(pacingIntervalMs({ sku: "S1", units: 1 }, "registry", 100), 600 / (100 * PACING_SAFETY));
  assert.ok(PACING_SAFETY < 1 && PACING_SAFETY >= 0.9);
  // Worst case in one window: the paced share plus the catch-up stays below the documented rate.
  assert.ok(PACING_SAFETY + CATCH_UP_SHARE * PACING_SAFETY < 1);
});

test("the floor of 1,000 creates on S1 x 1 is 10 minutes; with 2 units 5 minutes; configurations count separately", () => {
  assert.equal(pacingFloorSeconds({ sku: "S1", units: 1 }, { registry: 1000 }), 600);
  assert.equal(pacingFloorSeconds({ sku: "S1", units: 2 }, { registry: 1000 }), 300);
  assert.equal(pacingFloorSeconds({ sku: "S1", units: 1 }, { registry: 1000, configuration: 1 }), 600);
  assert.equal(pacingFloorSeconds({ sku: "S1", units: 1 }, { registry: 1000 }, 60), 10);
});

test("a pacer lets operations through one interval apart, first come first served, without catch-up bursts, and penalize holds everyone back", async () => {
  let clock = 0;
  const sleeps: number[] = [];
  const p = new Pacer(100, 0, () => clock, async (ms) => { await null; sleeps.push(ms); clock += ms; });
  const order: number[] = [];
  const waits = await Promise.all([0, 1, 2].map((i) => p.acquire().then((w) => { order.push(i); return w; })));
  assert.deepEqual(waits, [0, 100, 200]);
  assert.deepEqual(order, [0, 1, 2]);
  // A stall: 1,000 ms pass without anyone asking. Idle time is not saved up as a burst.
  clock += 1000;
  assert.deepEqual(await Promise.all([p.acquire(), p.acquire()]), [0, 100]);
  p.penalize(5000);
  assert.equal(await p.acquire(), 5000);
  assert.deepEqual(sleeps, [100, 100, 100, 5000]);
});

test("a pacer whose timers fire late catches up on its schedule by at most catchUpMs", async () => {
  let clock = 0;
  // Every sleep overshoots by 30 ms, as timers on a loaded machine do.
  const p = new Pacer(100, 50, () => clock, async (ms) => { await null; clock += ms + 30; });
  const grants: number[] = [];
  await Promise.all(Array.from({ length: 5 }, () => p.acquire().then(() => grants.push(clock))));
  // After idling, the schedule starts catchUpMs (50) early, so the second slot is at 50, then 150, 250, 350;
  // each grant is 30 ms late, but the lateness does not accumulate (without catch-up: 0, 130, 260, 390, 520).
  assert.deepEqual(grants, [0, 80, 180, 280, 380]);
  clock += 10_000;
  const burst: number[] = [];
  await Promise.all(Array.from({ length: 3 }, () => p.acquire().then(() => burst.push(clock))));
  assert.deepEqual(burst, [10_380, 10_460, 10_560], "after idling 10 s, only catchUpMs (50 ms, half an interval) is saved up");
});

test("one shared pacer per hub and operation class in the process, whatever the host name's case", () => {
  const a = sharedPacer("Hub-A.azure-devices.net", { sku: "S1", units: 1 }, "registry");
  assert.equal(sharedPacer("hub-a.azure-devices.net", { sku: "S1", units: 1 }, "registry"), a);
  assert.notEqual(sharedPacer("hub-a.azure-devices.net", { sku: "S1", units: 1 }, "configuration"), a);
  assert.notEqual(sharedPacer("hub-b.azure-devices.net", { sku: "S1", units: 1 }, "registry"), a);
  assert.notEqual(sharedPacer("hub-a.azure-devices.net", { sku: "S1", units: 2 }, "registry"), a, "a new unit count paces at the new rate");
});
