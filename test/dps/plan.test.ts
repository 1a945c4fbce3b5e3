/** The offline plan in dps mode: the DPS cost line, the whole fleet's message budget, the bench's dps targets. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { estimateCost, type CostInput } from "../../lib/plan/cost";
import { DPS_PER_1K_OPERATIONS } from "../../lib/plan/prices";
import { costInput, planEntries, stackBudget } from "../../lib/plan/report";
import { declareStack } from "../helpers/stacks";
import { dpsVerdicts, type BenchRow } from "../../lib/plan/bench";
import { validateConfig, type StackConfig } from "../../lib/config/config";

const base: CostInput = {
  region: "eastus",
  hub: { sku: "S1", units: 1 },
  workspace: { retentionDays: 30, ingestionGbPerDay: 0 },
  bastion: { sku: "Developer", scaleUnits: 2 },
  vms: { count: 0, size: "Standard_B2s" },
  defenderDevices: 0,
};
const dpsLines = (i: CostInput) => estimateCost(i).lines.filter((l) => l.component === "Device Provisioning Service");

test("dps cost: 10,000 devices x 30 registrations at $0.123 per 1,000 operations, marked unconfirmed", () => {
  const [line] = dpsLines({ ...base, dps: { devices: 10000 } });
  assert.equal(line.item, "S1, 10000 device(s) × 30 registrations = 300000 operations a month");
  assert.equal(DPS_PER_1K_OPERATIONS.usd, 0.123);
  assert.ok(Math.abs(line.monthlyUsd - 36.9) < 1e-9);
  assert.equal(line.confirmed, false);
});

test("dps cost: none in registry mode; 0 devices cost 0; a negative count is refused", () => {
  assert.deepEqual(dpsLines(base), []);
  assert.equal(dpsLines({ ...base, dps: { devices: 0 } })[0].monthlyUsd, 0);
  assert.throws(() => estimateCost({ ...base, dps: { devices: -1 } }), /dps\.devices must be a whole number/);
});

function config(raw: Record<string, string>): StackConfig {
  const r = validateConfig(Object.fromEntries(Object.entries(raw).map(([k, v]) => [`secure-iot-edge:${k}`, v])), "dev");
  if (!r.ok) throw new Error(r.errors.join("; "));
  return r.config;
}

test("the plan prices DPS for the whole fleet in dps mode only, and budgets the whole fleet's messages as before", () => {
  const dps = config({ fleetProvisioning: "dps", edgeDeviceCount: "10000", hubSku: "S3", hubUnits: "1" });
  const registry = config({ edgeDeviceCount: "10", hubUnits: "1" });
  assert.deepEqual(costInput(dps, stackBudget(dps)).dps, { devices: 10000 });
  assert.equal(costInput(registry, stackBudget(registry)).dps, undefined);
  const perDevice = stackBudget(config({ fleetProvisioning: "dps", edgeDeviceCount: "1", hubSku: "S3", hubUnits: "1" })).meteredPerDay;
  assert.equal(stackBudget(dps).meteredPerDay, perDevice * 10000);
});

const row = (devices: number, medianSeconds: number, resources = 45): BenchRow => ({ scenario: `dps ${devices}`, devices, resources, runs: 5, medianSeconds, medianRssMb: 180, dps: true });

test("bench dps targets: 1.2x passes at exactly 1.2x and fails above; 3 s passes at 3.00 and fails at 3.01", () => {
  assert.deepEqual(dpsVerdicts([row(1, 2.5), row(10000, 3)]).map((v) => v.ok), [true, true, true]);
  assert.deepEqual(dpsVerdicts([row(1, 2.0), row(10000, 2.42)]).map((v) => v.ok), [false, true, true]);
  assert.deepEqual(dpsVerdicts([row(1, 2.6), row(10000, 3.01)]).map((v) => v.ok), [true, false, true]);
});

test("bench dps targets: a resource count that grows with devices fails; fewer than two dps rows judge nothing", () => {
  assert.equal(dpsVerdicts([row(1, 1), row(10000, 1, 30045)])[2].ok, false);
  assert.deepEqual(dpsVerdicts([row(1, 1)]), []);
  assert.deepEqual(dpsVerdicts([{ ...row(1, 1), dps: undefined }, { ...row(10, 1), dps: undefined }]), []);
});

test("plan.json of a dps stack lists the DPS instance and the enrollment group, with the DPS key and group keys masked", async () => {
  const declared = await declareStack("dev", { fleetProvisioning: "dps", dpsAttestation: "symmetricKey" });
  const entries = planEntries(declared.resources);
  const dps = entries.filter((e) => e.type === "azure-native:deviceprovisioningservices:IotDpsResource");
  assert.equal(dps.length, 1);
  const group = entries.filter((e) => e.type === "pulumi-nodejs:dynamic:Resource" && "enrollmentGroupId" in (e.inputs as object));
  assert.equal(group.length, 1);
  const inputs = group[0].inputs as Record<string, unknown>;
  assert.equal(inputs.dpsKey, "[secret]");
  assert.equal(inputs.attestation, "[secret]");
  assert.equal(inputs.enrollmentGroupId, "secure-iot-edge-dev-symkey");
  assert.ok(!JSON.stringify(entries).includes((declared.outputs.dps as { groupKey: string }).groupKey));
});
