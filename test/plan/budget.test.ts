import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { type BudgetInput, MAX_D2C_MESSAGE_BYTES, meteredChunks, messageBudget, streamBudget } from "../../lib/plan/budget";
import { parseIsoDuration } from "../../lib/config/dates";
import type { HubSku } from "../../lib/plan/prices";

const S1 = { sku: "S1" as const, units: 1 };

function close(actual: number, expected: number, epsilon = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= epsilon, `expected ${expected}, got ${actual}`);
}

describe("the blog's arithmetic (Azure Security Center for IoT on the Edge)", () => {
  it("counts one message every two minutes as 720 a day", () => {
    assert.equal(streamBudget({ name: "high", every: "PT2M", bytes: 1000 }, "S1").messagesPerDay, 720);
  });

  it("meters 40 chunks of 4 KB 720 times a day as 28,800 messages, about 115 MB and 7.2 % of one S1 unit", () => {
    const r = messageBudget({ hub: S1, devices: 1, streams: [{ name: "high", every: "PT2M", bytes: 40 * 4000 }] });
    assert.equal(r.streams[0].chunksPerMessage, 40);
    assert.equal(r.meteredPerDay, 28_800);
    close(r.ingestion.bytesPerDay / 1e6, 115.2);
    close(r.share, 0.072);
    assert.equal(r.level, "ok");
  });

  it("meters a message of exactly 131 KB as 33 chunks: 23,760 messages and about 94 MB a day", () => {
    const r = messageBudget({ hub: S1, devices: 1, streams: [{ name: "high", every: "PT2M", bytes: 131_000 }] });
    assert.equal(r.streams[0].chunksPerMessage, 33);
    assert.equal(r.meteredPerDay, 23_760);
    close(r.ingestion.bytesPerDay / 1e6, 94.32);
    close(r.ingestion.gbPerDay, 0.09432);
  });
});

describe("metering", () => {
  it("counts a message one byte over 4 KB as two on S tiers", () => {
    assert.equal(meteredChunks(4000, "S1"), 1);
    assert.equal(meteredChunks(4001, "S2"), 2);
    assert.equal(meteredChunks(4000, "S3"), 1);
    assert.equal(meteredChunks(4001, "S3"), 2);
  });

  it("meters the free tier in 0.5 KB chunks", () => {
    assert.equal(meteredChunks(131_000, "F1"), 262);
    assert.equal(meteredChunks(501, "F1"), 2);
  });

  it("counts an empty message as one metered message", () => {
    assert.equal(meteredChunks(0, "S3"), 1);
  });

  it("never meters a larger message as fewer chunks", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_D2C_MESSAGE_BYTES }),
        fc.integer({ min: 0, max: MAX_D2C_MESSAGE_BYTES }),
        fc.constantFrom<HubSku>("F1", "S1", "S2", "S3"),
        (a, b, sku) => {
          const [small, large] = a <= b ? [a, b] : [b, a];
          assert.ok(meteredChunks(small, sku) <= meteredChunks(large, sku));
        },
      ),
    );
  });
});

describe("messageBudget", () => {
  it("counts the classic module's default streams at the most messages one day can hold", () => {
    const r = messageBudget({
      hub: S1,
      devices: 1,
      streams: [
        { name: "high", every: "PT7M", bytes: 8192 },
        { name: "low", every: "PT5H", bytes: 8192 },
        { name: "snapshot", every: "PT13H", bytes: 8192 },
      ],
    });
    assert.deepEqual(r.streams.map((s) => s.messagesPerDay), [206, 5, 2]);
    assert.equal(r.meteredPerDay, (206 + 5 + 2) * 3);
  });

  // PT216S is 400 messages a day, so 800 devices on one S1 unit are exactly 80 %.
  const fleet = (devices: number): BudgetInput => ({ hub: S1, devices, streams: [{ name: "s", every: "PT216S", bytes: 100 }] });

  it("stays quiet below 80 % of the quota", () => {
    assert.equal(messageBudget(fleet(799)).level, "ok");
  });

  it("warns at 80 % of the quota and at exactly 100 %", () => {
    const at80 = messageBudget(fleet(800));
    assert.equal(at80.level, "warning");
    if (at80.level === "warning") {
      assert.equal(
        at80.message,
        "800 device(s) send 320,000 metered messages a day, 80.0 % of the S1 × 1 quota of 400,000: at or above 80.0 %, little room for more devices or retries.",
      );
    }
    assert.equal(messageBudget(fleet(1000)).level, "warning");
  });

  it("returns an error result naming the quota when the fleet is over it", () => {
    const r = messageBudget(fleet(1001));
    assert.equal(r.level, "error");
    if (r.level === "error") {
      assert.equal(
        r.message,
        "1001 device(s) send 400,400 metered messages a day, 100.1 % of the S1 × 1 quota of 400,000: over quota; IoT Hub rejects messages for the rest of the day. Add units, a larger tier, or send less often.",
      );
    }
    close(r.share, 1.001);
  });

  it("multiplies the quota by the number of units", () => {
    assert.equal(messageBudget({ ...fleet(1001), hub: { sku: "S1", units: 2 } }).quotaPerDay, 800_000);
    assert.equal(messageBudget({ ...fleet(1001), hub: { sku: "S1", units: 2 } }).level, "ok");
  });

  it("gives F1 a total quota of 8,000 and refuses more than one F1 unit", () => {
    assert.equal(messageBudget({ ...fleet(1), hub: { sku: "F1", units: 1 } }).quotaPerDay, 8000);
    assert.throws(() => messageBudget({ ...fleet(1), hub: { sku: "F1", units: 2 } }), /F1/);
  });

  it("adds up workspace ingestion over all devices and streams in GB of 10^9 bytes", () => {
    const r = messageBudget({
      hub: S1,
      devices: 10,
      streams: [
        { name: "a", every: "PT1H", bytes: 5000 },
        { name: "b", every: "P1D", bytes: 200_000 },
      ],
    });
    assert.equal(r.ingestion.bytesPerDay, 10 * (24 * 5000 + 200_000));
    close(r.ingestion.gbPerDay, 0.0032);
  });

  it("refuses messages larger than IoT Hub accepts", () => {
    assert.throws(() => messageBudget({ hub: S1, devices: 1, streams: [{ name: "big", every: "PT1M", bytes: MAX_D2C_MESSAGE_BYTES + 1 }] }), /big/);
  });

  it("accepts a message of exactly the largest size IoT Hub accepts, and of one byte", () => {
    assert.equal(streamBudget({ name: "max", every: "PT1H", bytes: MAX_D2C_MESSAGE_BYTES }, "S1").bytesPerDay, 24 * MAX_D2C_MESSAGE_BYTES);
    assert.equal(streamBudget({ name: "one", every: "PT1H", bytes: 1 }, "S1").bytesPerDay, 24);
  });

  it("refuses a message size that is not a whole number of at least one byte, naming the stream and the limits", () => {
    for (const bytes of [0, -1, 1.5, NaN, MAX_D2C_MESSAGE_BYTES + 1]) {
      assert.throws(
        () => streamBudget({ name: "odd", every: "PT1H", bytes }, "S1"),
        (e: Error) => e instanceof RangeError && e.message === `stream "odd": bytes must be a whole number in [1, 262144], got ${bytes}`,
        String(bytes),
      );
    }
  });

  it("refuses hub units that are not a whole number of at least one", () => {
    assert.equal(messageBudget({ ...fleet(1), hub: { sku: "S1", units: 1 } }).quotaPerDay, 400_000);
    for (const units of [0, -1, 1.5, NaN]) {
      assert.throws(
        () => messageBudget({ ...fleet(1), hub: { sku: "S2", units } }),
        (e: Error) => e instanceof RangeError && e.message === `hub.units must be a whole number >= 1, got ${units}`,
        String(units),
      );
    }
  });

  it("accepts no devices and refuses a device count that is not a whole number of at least zero", () => {
    const none = messageBudget(fleet(0));
    assert.equal(none.meteredPerDay, 0);
    assert.equal(none.level, "ok");
    for (const devices of [-1, 2.5, NaN]) {
      assert.throws(
        () => messageBudget(fleet(devices)),
        (e: Error) => e instanceof RangeError && e.message === `devices must be a whole number >= 0, got ${devices}`,
        String(devices),
      );
    }
  });

  it("refuses a zero interval", () => {
    assert.throws(() => messageBudget({ hub: S1, devices: 1, streams: [{ name: "z", every: "PT0S", bytes: 10 }] }), /longer than zero/);
  });

  it("grows the quota share linearly with the number of devices", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 86_400 }),
        fc.integer({ min: 1, max: MAX_D2C_MESSAGE_BYTES }),
        fc.constantFrom<HubSku>("F1", "S1", "S2", "S3"),
        (devices, everySeconds, bytes, sku) => {
          const input = (n: number): BudgetInput => ({ hub: { sku, units: 1 }, devices: n, streams: [{ name: "s", every: `PT${everySeconds}S`, bytes }] });
          const one = messageBudget(input(1)).share;
          const many = messageBudget(input(devices)).share;
          assert.ok(Math.abs(many - devices * one) <= 1e-9 * Math.max(1, many), `${many} vs ${devices} × ${one}`);
        },
      ),
    );
  });
});

describe("parseIsoDuration", () => {
  it("reads the agent's intervals in seconds", () => {
    assert.equal(parseIsoDuration("PT2M"), 120);
    assert.equal(parseIsoDuration("PT7M"), 420);
    assert.equal(parseIsoDuration("PT5H"), 18_000);
    assert.equal(parseIsoDuration("PT13H"), 46_800);
    assert.equal(parseIsoDuration("P1DT2H3M4S"), 93_784);
    assert.equal(parseIsoDuration("PT1.5S"), 1.5);
    assert.equal(parseIsoDuration("P2D"), 172_800);
  });

  it("rejects text that is not a PnDTnHnMnS duration", () => {
    for (const text of ["", "P", "PT", "P1DT", "7M", "PT-1M", "P1W", "P1M", "PT1H30", "pt7m", "PT7M "]) {
      assert.throws(() => parseIsoDuration(text), RangeError, JSON.stringify(text));
    }
  });
});
