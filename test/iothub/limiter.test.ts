import assert from "node:assert/strict";
import { test } from "node:test";
import { documentedRatePerMinute, Pacer, PACING_SAFETY, pacingFloorSeconds, pacingIntervalMs, sharedPacer } from "../../lib/iothub/limiter";

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
});

test("the floor of 1,000 creates on S1 x 1 is 10 minutes; with 2 units 5 minutes; configurations count separately", () => {
  assert.equal(pacingFloorSeconds({ sku: "S1", units: 1 }, { registry: 1000 }), 600);
  assert.equal(pacingFloorSeconds({ sku: "S1", units: 2 }, { registry: 1000 }), 300);
  assert.equal(pacingFloorSeconds({ sku: "S1", units: 1 }, { registry: 1000, configuration: 1 }), 600);
  assert.equal(pacingFloorSeconds({ sku: "S1", units: 1 }, { registry: 1000 }, 60), 10);
});

test("a pacer spaces operations exactly one interval apart, first come first served, and penalize pushes everyone back", async () => {
  let clock = 0;
  const waits: number[] = [];
  const p = new Pacer(100, () => clock, async (ms) => { waits.push(ms); });
  assert.deepEqual(await Promise.all([p.acquire(), p.acquire(), p.acquire()]), [0, 100, 200]);
  clock = 1000;
  assert.equal(await p.acquire(), 0, "idle time is not saved up as a burst");
  assert.equal(await p.acquire(), 100);
  p.penalize(5000);
  assert.equal(await p.acquire(), 5000);
  assert.deepEqual(waits, [100, 200, 100, 5000]);
});

test("one shared pacer per hub and operation class in the process, whatever the host name's case", () => {
  const a = sharedPacer("Hub-A.azure-devices.net", { sku: "S1", units: 1 }, "registry");
  assert.equal(sharedPacer("hub-a.azure-devices.net", { sku: "S1", units: 1 }, "registry"), a);
  assert.notEqual(sharedPacer("hub-a.azure-devices.net", { sku: "S1", units: 1 }, "configuration"), a);
  assert.notEqual(sharedPacer("hub-b.azure-devices.net", { sku: "S1", units: 1 }, "registry"), a);
  assert.notEqual(sharedPacer("hub-a.azure-devices.net", { sku: "S1", units: 2 }, "registry"), a, "a new unit count paces at the new rate");
});
