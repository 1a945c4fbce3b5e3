import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  BYTES_PER_RECORD,
  HEARTBEAT_RECORDS_PER_VM_DAY,
  HOST_SYSLOG_RECORDS_PER_VM_DAY,
  HUB_LOG_RECORDS_PER_DEVICE_DAY,
  HUB_METRIC_ROWS_PER_DAY,
  INGESTION_ASSUMPTIONS_AS_OF,
  workspaceIngestion,
} from "../../lib/plan/ingestion";

const gbOf = (r: ReturnType<typeof workspaceIngestion>, source: string) => {
  const found = r.sources.find((s) => s.source === source);
  assert.ok(found, source);
  return found.gbPerDay;
};

describe("workspace ingestion by source", () => {
  const r = workspaceIngestion({ vms: 2, devices: 10, agentBytesPerDay: 50e6, rawEventsExported: true });

  it("counts the agent's messages, again as raw events, and each other source from its stated rate", () => {
    assert.equal(gbOf(r, "security agent messages"), 0.05);
    assert.equal(gbOf(r, "Defender raw events"), 0.05);
    assert.equal(gbOf(r, "host syslog and audit records"), (2 * HOST_SYSLOG_RECORDS_PER_VM_DAY * BYTES_PER_RECORD) / 1e9);
    assert.equal(gbOf(r, "agent heartbeats"), (2 * HEARTBEAT_RECORDS_PER_VM_DAY * BYTES_PER_RECORD) / 1e9);
    assert.equal(gbOf(r, "hub diagnostics"), ((HUB_METRIC_ROWS_PER_DAY + 10 * HUB_LOG_RECORDS_PER_DEVICE_DAY) * BYTES_PER_RECORD) / 1e9);
  });

  it("the total is the sum of the sources, and host logs are more than zero with VMs even when no agent sends", () => {
    assert.equal(r.gbPerDay, r.sources.reduce((t, s) => t + s.gbPerDay, 0));
    const quiet = workspaceIngestion({ vms: 1, devices: 1, agentBytesPerDay: 0, rawEventsExported: true });
    assert.ok(gbOf(quiet, "host syslog and audit records") > 0);
    assert.equal(gbOf(quiet, "Defender raw events"), 0);
    // 5,000 syslog + 1,440 heartbeats + 28,800 metric rows + 200 hub log records, 1 KB each.
    assert.equal(quiet.gbPerDay, (5000 + 1440 + 28800 + 200) * 1000 / 1e9);
  });

  it("without raw event export, raw events add nothing", () => {
    assert.equal(gbOf(workspaceIngestion({ vms: 0, devices: 1, agentBytesPerDay: 1e6, rawEventsExported: false }), "Defender raw events"), 0);
  });

  it("states the basis of every source", () => {
    assert.equal(r.sources.find((s) => s.source === "host syslog and audit records")?.basis, "2 VM(s) × 5,000 records a day × 1 KB (quiet host; estimate, unconfirmed)");
    for (const s of r.sources) assert.ok(s.basis.length > 0);
  });

  it("rejects negative or non-finite counts", () => {
    assert.throws(() => workspaceIngestion({ vms: -1, devices: 1, agentBytesPerDay: 0, rawEventsExported: true }), /vms must be a finite number >= 0, got -1/);
    assert.throws(() => workspaceIngestion({ vms: 1, devices: 1, agentBytesPerDay: Infinity, rawEventsExported: true }), /agentBytesPerDay/);
  });
});

describe("the basis text of each source and the assumptions' date", () => {
  it("states every source's basis in full, with the raw event export on and off", () => {
    const on = workspaceIngestion({ vms: 2, devices: 10, agentBytesPerDay: 50e6, rawEventsExported: true });
    assert.deepEqual(
      on.sources.map((s) => [s.source, s.basis]),
      [
        ["security agent messages", "the message budget: every agent message of every device, at its assumed size"],
        ["Defender raw events", "the solution exports RawEvents: the agent's messages again, same size (unconfirmed)"],
        ["host syslog and audit records", "2 VM(s) × 5,000 records a day × 1 KB (quiet host; estimate, unconfirmed)"],
        ["agent heartbeats", "2 VM(s) × one record a minute × 1 KB"],
        ["hub diagnostics", "AllMetrics: 28,800 rows a day; allLogs: 10 device(s) × 200 records a day; 1 KB each (estimate, unconfirmed)"],
      ],
    );
    const off = workspaceIngestion({ vms: 2, devices: 10, agentBytesPerDay: 50e6, rawEventsExported: false });
    assert.equal(off.sources.find((s) => s.source === "Defender raw events")?.basis, "no raw event export");
  });

  it("dates the assumptions (the report's heading shows the date)", () => {
    assert.match(INGESTION_ASSUMPTIONS_AS_OF, /^\d{4}-\d{2}-\d{2}$/);
  });
});
