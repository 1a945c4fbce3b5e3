import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { type CostInput, DAYS_PER_MONTH, estimateCost, parseShutdownTime, runningHoursPerMonth } from "../../lib/plan/cost";
import {
  BASTION_EXTRA_SCALE_UNIT_HOURLY,
  BASTION_HOURLY,
  DEFENDER_FOR_IOT_DEVICE_MONTHLY,
  DEFENDER_FOR_SERVERS_P1_MONTHLY,
  HOURS_PER_MONTH,
  IOT_HUB_UNIT_MONTHLY,
  LOG_ANALYTICS_INGESTION_PER_GB,
  LOG_ANALYTICS_RETENTION_PER_GB_MONTH,
  OS_DISK_MONTHLY,
  type Price,
  PRICES_AS_OF,
  PUBLIC_IP_STANDARD_STATIC_HOURLY,
  VM_HOURLY,
} from "../../lib/plan/prices";

const base: CostInput = {
  region: "eastus",
  hub: { sku: "S1", units: 1 },
  workspace: { retentionDays: 31, ingestionGbPerDay: 0.1 },
  bastion: { sku: "Basic", scaleUnits: 2 },
  vms: { count: 1, size: "Standard_B2s" },
  defenderDevices: 1,
};

function withChanges(change: Partial<CostInput>): CostInput {
  return { ...base, ...change };
}

function monthly(input: CostInput, component: string, itemPrefix = ""): number {
  const found = estimateCost(input).lines.filter((l) => l.component === component && l.item.startsWith(itemPrefix));
  assert.ok(found.length > 0, `no ${component} line starting "${itemPrefix}"`);
  return found.reduce((s, l) => s + l.monthlyUsd, 0);
}

function close(actual: number, expected: number, epsilon = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= epsilon, `expected ${expected}, got ${actual}`);
}

describe("price table", () => {
  const entries: [string, Price][] = [
    ...Object.entries(IOT_HUB_UNIT_MONTHLY),
    ...Object.entries(VM_HOURLY),
    ...Object.entries(BASTION_HOURLY),
    ...Object.entries(BASTION_EXTRA_SCALE_UNIT_HOURLY),
    ["OS disk", OS_DISK_MONTHLY],
    ["public IP", PUBLIC_IP_STANDARD_STATIC_HOURLY],
    ["LA ingestion", LOG_ANALYTICS_INGESTION_PER_GB],
    ["LA retention", LOG_ANALYTICS_RETENTION_PER_GB_MONTH],
    ["Defender", DEFENDER_FOR_IOT_DEVICE_MONTHLY],
  ];

  it("gives every price a source and a read date, and a note whenever it is unconfirmed", () => {
    for (const [name, p] of entries) {
      assert.ok(p.source.length > 0, `${name} has no source`);
      assert.match(p.read, /^\d{4}-\d{2}-\d{2}$/, `${name} has no read date`);
      assert.ok(p.read <= PRICES_AS_OF, `${name} was read after PRICES_AS_OF`);
      if (!p.confirmed) assert.ok(p.note && p.note.length > 0, `${name} is unconfirmed without a note`);
    }
  });

  it("keeps the Defender for IoT placeholder of 0 marked unconfirmed", () => {
    assert.equal(DEFENDER_FOR_IOT_DEVICE_MONTHLY.usd, 0);
    assert.equal(DEFENDER_FOR_IOT_DEVICE_MONTHLY.confirmed, false);
  });
});

describe("estimateCost", () => {
  it("prices the default-sized stack line by line at 730 hours a month", () => {
    const r = estimateCost(base);
    close(monthly(base, "IoT Hub"), 25);
    close(monthly(base, "Bastion"), 0.19 * 730);
    close(monthly(base, "Public IP"), 0.005 * 730);
    close(monthly(base, "VM", "1 × Standard_B2s"), 0.0416 * 730);
    close(monthly(base, "VM", "1 × OS disk"), 2.4);
    close(monthly(base, "Log Analytics"), 0);
    close(monthly(base, "Defender for IoT"), 0);
    close(r.monthlyUsd, 25 + 138.7 + 3.65 + 30.368 + 2.4);
  });

  it("makes the total the sum of the lines and every daily figure the monthly one × 24/730", () => {
    const input = fc.record({
      hub: fc.oneof(
        fc.constant({ sku: "F1" as const, units: 1 }),
        fc.record({ sku: fc.constantFrom("S1" as const, "S2" as const, "S3" as const), units: fc.integer({ min: 1, max: 10 }) }),
      ),
      region: fc.constantFrom("eastus", "westeurope"),
      workspace: fc.record(
        {
          retentionDays: fc.integer({ min: 30, max: 730 }),
          dailyCapGb: fc.double({ min: 0, max: 50, noNaN: true }),
          ingestionGbPerDay: fc.double({ min: 0, max: 50, noNaN: true }),
        },
        { requiredKeys: ["retentionDays", "ingestionGbPerDay"] },
      ),
      bastion: fc.record({
        sku: fc.constantFrom("Developer" as const, "Basic" as const, "Standard" as const, "Premium" as const),
        scaleUnits: fc.integer({ min: 2, max: 50 }),
      }),
      vms: fc.record(
        {
          count: fc.integer({ min: 0, max: 5 }),
          size: fc.constantFrom(...Object.keys(VM_HOURLY)),
          autoShutdown: fc.record({ time: fc.constantFrom("0000", "0200", "1730", "1900", "2359") }),
        },
        { requiredKeys: ["count", "size"] },
      ),
      defenderDevices: fc.integer({ min: 0, max: 100 }),
    });
    fc.assert(
      fc.property(input, (i) => {
        const r = estimateCost(i);
        close(r.monthlyUsd, r.lines.reduce((s, l) => s + l.monthlyUsd, 0), 1e-6);
        if (r.worstCase !== undefined) assert.ok(r.worstCase.monthlyUsd >= r.monthlyUsd - 1e-6, "the worst case is never below the estimate");
        close(r.dailyUsd, (r.monthlyUsd * 24) / HOURS_PER_MONTH, 1e-6);
        for (const l of r.lines) close(l.dailyUsd, l.monthlyUsd / DAYS_PER_MONTH, 1e-9);
      }),
    );
  });

  it("rejects an unknown VM size, naming it and the sizes the table knows", () => {
    assert.throws(
      () => estimateCost(withChanges({ vms: { count: 1, size: "Standard_Z9" } })),
      (e: Error) => e instanceof RangeError && e.message.includes('"Standard_Z9"') && e.message.includes("Standard_B2s") && e.message.includes("Standard_D4s_v5"),
    );
  });

  it("matches VM sizes case-insensitively, as Azure does", () => {
    close(monthly(withChanges({ vms: { count: 1, size: "standard_b2s" } }), "VM", "1 × standard_b2s"), 0.0416 * 730);
  });

  it("charges a public IP for Bastion Basic, Standard and Premium but not Developer", () => {
    const dev = estimateCost(withChanges({ bastion: { sku: "Developer", scaleUnits: 2 } }));
    assert.equal(dev.lines.some((l) => l.component === "Public IP"), false);
    close(monthly(withChanges({ bastion: { sku: "Developer", scaleUnits: 2 } }), "Bastion"), 0);
    for (const sku of ["Basic", "Standard", "Premium"] as const) {
      close(monthly(withChanges({ bastion: { sku, scaleUnits: 2 } }), "Public IP"), 3.65);
    }
  });

  it("charges Bastion Standard scale units above the two included ones", () => {
    close(monthly(withChanges({ bastion: { sku: "Standard", scaleUnits: 2 } }), "Bastion"), 0.29 * 730);
    close(monthly(withChanges({ bastion: { sku: "Standard", scaleUnits: 5 } }), "Bastion"), 0.29 * 730 + 3 * 0.14 * 730);
  });

  it("rejects Standard or Premium Bastion scale units outside 2 to 50", () => {
    assert.throws(() => estimateCost(withChanges({ bastion: { sku: "Premium", scaleUnits: 1 } })), RangeError);
    assert.throws(() => estimateCost(withChanges({ bastion: { sku: "Standard", scaleUnits: 51 } })), RangeError);
  });

  it("bills workspace ingestion only above the free 5 GB a month", () => {
    close(monthly(withChanges({ workspace: { retentionDays: 31, ingestionGbPerDay: 5 / DAYS_PER_MONTH } }), "Log Analytics", "ingestion"), 0, 1e-9);
    close(monthly(withChanges({ workspace: { retentionDays: 31, ingestionGbPerDay: 1 } }), "Log Analytics", "ingestion"), (DAYS_PER_MONTH - 5) * 2.3);
  });

  it("bills no more ingestion than the daily cap lets in", () => {
    const capped = withChanges({ workspace: { retentionDays: 31, ingestionGbPerDay: 1, dailyCapGb: 0.5 } });
    close(monthly(capped, "Log Analytics", "ingestion"), (0.5 * DAYS_PER_MONTH - 5) * 2.3);
    assert.match(estimateCost(capped).lines.find((l) => l.item.startsWith("ingestion"))?.item ?? "", /capped/);
  });

  it("bills retention only for the days beyond the included 31", () => {
    close(monthly(withChanges({ workspace: { retentionDays: 31, ingestionGbPerDay: 1 } }), "Log Analytics", "retention"), 0);
    close(monthly(withChanges({ workspace: { retentionDays: 90, ingestionGbPerDay: 1 } }), "Log Analytics", "retention"), 59 * 0.1);
  });

  it("runs auto-shut-down VMs from 8:00 to the shutdown time on weekdays and still charges the disk", () => {
    const input = withChanges({ vms: { count: 2, size: "Standard_B2s", autoShutdown: { time: "1900" } } });
    const hours = 11 * DAYS_PER_MONTH * (5 / 7);
    close(monthly(input, "VM", "2 × Standard_B2s"), 2 * 0.0416 * hours);
    close(monthly(input, "VM", "2 × OS disk"), 2 * 2.4);
    assert.ok(estimateCost(input).assumptions.some((a) => a.includes("1900") && a.includes("8:00")));
  });

  it("takes the workday start hour from the schedule and runs past midnight when shutdown is earlier", () => {
    close(runningHoursPerMonth({ time: "1900", workdayStartHour: 9 }), 10 * DAYS_PER_MONTH * (5 / 7));
    close(runningHoursPerMonth({ time: "0200" }), 18 * DAYS_PER_MONTH * (5 / 7));
    close(parseShutdownTime("1730"), 17.5);
  });

  it("never charges an auto-shut-down VM more than an always-on one", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 23 }), (h, m, start) => {
        const time = `${String(h).padStart(2, "0")}${String(m).padStart(2, "0")}`;
        assert.ok(runningHoursPerMonth({ time, workdayStartHour: start }) <= HOURS_PER_MONTH);
      }),
    );
  });

  it("rejects a shutdown time that is not HHMM", () => {
    for (const time of ["7pm", "19:00", "2400", "1960", "900"]) {
      assert.throws(() => estimateCost(withChanges({ vms: { count: 1, size: "Standard_B1s", autoShutdown: { time } } })), RangeError, time);
    }
  });

  it("rejects an F1 hub with more than one unit", () => {
    assert.throws(() => estimateCost(withChanges({ hub: { sku: "F1", units: 2 } })), /F1/);
  });

  it("marks lines whose price is unconfirmed and keeps confirmed ones confirmed", () => {
    const b1s = estimateCost(withChanges({ vms: { count: 1, size: "Standard_B1s" } })).lines.find((l) => l.item.includes("Standard_B1s"));
    const b2s = estimateCost(base).lines.find((l) => l.item.includes("Standard_B2s"));
    assert.equal(b1s?.confirmed, true);
    assert.equal(b2s?.confirmed, false);
    assert.ok(b2s?.note);
    assert.ok(estimateCost(base).assumptions.some((a) => a.includes("unconfirmed")));
  });

  it("charges Defender for Servers Plan 1 per protected VM, marked unconfirmed, and adds no line without one", () => {
    close(monthly(withChanges({ defenderServers: 2 }), "Defender for Servers"), 2 * DEFENDER_FOR_SERVERS_P1_MONTHLY.usd);
    const line = estimateCost(withChanges({ defenderServers: 1 })).lines.find((l) => l.component === "Defender for Servers");
    assert.equal(line?.item, "Plan 1 × 1 VM(s)");
    assert.equal(line?.confirmed, false);
    assert.match(line?.note ?? "", /30-day trial/);
    for (const none of [0, undefined]) assert.ok(!estimateCost(withChanges({ defenderServers: none })).lines.some((l) => l.component === "Defender for Servers"));
    assert.throws(() => estimateCost(withChanges({ defenderServers: -1 })), /defenderServers/);
  });
});

describe("worst case at the daily cap, and the price region", () => {
  const capped = withChanges({ workspace: { retentionDays: 90, dailyCapGb: 1, ingestionGbPerDay: 0.2 } });

  it("prices ingestion and retention at the cap every day, keeping every other line", () => {
    const r = estimateCost(capped);
    // Independent arithmetic: 1 GB a day for a 730/24-day month, less the free 5 GB; 59 days beyond the included 31.
    const atCapIngestion = (1 * (730 / 24) - 5) * LOG_ANALYTICS_INGESTION_PER_GB.usd;
    const atCapRetention = 1 * (90 - 31) * LOG_ANALYTICS_RETENTION_PER_GB_MONTH.usd;
    const others = r.lines.filter((l) => l.component !== "Log Analytics").reduce((t, l) => t + l.monthlyUsd, 0);
    assert.ok(r.worstCase);
    assert.equal(r.worstCase.dailyCapGb, 1);
    close(r.worstCase.monthlyUsd, others + atCapIngestion + atCapRetention, 1e-9);
    // With S1 × 1, Basic Bastion + IP, one B2s all month and its disk, Defender at 0: 25 + 138.7 + 3.65 + 30.368 + 2.4.
    close(r.worstCase.monthlyUsd, 25 + 138.7 + 3.65 + 30.368 + 2.4 + (730 / 24 - 5) * 2.3 + 59 * 0.1, 1e-9);
  });

  it("has no worst case when uncapped, and says so", () => {
    const r = estimateCost(base);
    assert.equal(r.worstCase, undefined);
    assert.ok(r.assumptions.includes("The workspace is uncapped: nothing bounds its ingestion, so a host under attack or a chatty agent is billed in full."));
  });

  it("when ingestion already exceeds the cap, the estimate is the worst case", () => {
    const r = estimateCost(withChanges({ workspace: { retentionDays: 31, dailyCapGb: 0.5, ingestionGbPerDay: 3 } }));
    close(r.worstCase?.monthlyUsd ?? NaN, r.monthlyUsd, 1e-9);
  });

  it("says plainly when the prices are another region's", () => {
    const same = estimateCost(base);
    assert.equal(same.priceRegion, "eastus");
    assert.equal(same.priceRegionMatches, true);
    assert.ok(!same.assumptions.some((a) => a.includes("whose list prices may differ")));
    const other = estimateCost(withChanges({ region: "westeurope" }));
    assert.equal(other.priceRegionMatches, false);
    assert.ok(other.assumptions.includes("The prices are eastus's; this stack runs in westeurope, whose list prices may differ (no westeurope price table is kept)."));
  });
});

