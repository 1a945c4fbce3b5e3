/** fleetProvisioning and dpsAttestation validation: both sides of each limit, errors name the key. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { validateConfig } from "../../lib/config/config";

const K = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [`secure-iot-edge:${k}`, v]));
const big = { securityAgent: "none", simulatedDevices: "0", hubSku: "S3", hubUnits: "10" };

test("registry is the default and takes x509 attestation by default", () => {
  const r = validateConfig({}, "dev");
  assert.ok(r.ok);
  if (r.ok) assert.deepEqual(r.config.provisioning, { mode: "registry", dpsAttestation: "x509" });
});

test("an unknown mode or attestation is an error naming the key, the value and what is allowed", () => {
  const r = validateConfig(K({ fleetProvisioning: "DPS", dpsAttestation: "tpm" }), "dev");
  assert.ok(!r.ok);
  if (!r.ok) {
    assert.ok(r.errors.includes('secure-iot-edge:fleetProvisioning = "DPS": allowed: registry, dps'));
    assert.ok(r.errors.includes('secure-iot-edge:dpsAttestation = "tpm": allowed: x509, symmetricKey'));
  }
});

test("edgeDeviceCount: registry allows 5000 not 5001; dps allows 100000 not 100001", () => {
  assert.ok(validateConfig(K({ ...big, edgeDeviceCount: "5000" }), "dev").ok);
  const r = validateConfig(K({ ...big, edgeDeviceCount: "5001" }), "dev");
  assert.ok(!r.ok && r.errors.some((e) => e.startsWith('secure-iot-edge:edgeDeviceCount = "5001": allowed: a whole number from 1 to 5000')));
  assert.ok(validateConfig(K({ ...big, fleetProvisioning: "dps", edgeDeviceCount: "10000" }), "dev").ok);
  const d = validateConfig(K({ ...big, fleetProvisioning: "dps", edgeDeviceCount: "100001" }), "dev");
  assert.ok(!d.ok && d.errors.some((e) => e.includes("from 1 to 100000")));
});

test("dps refuses single-device deployments, which DPS-registered devices would never receive", () => {
  const r = validateConfig(K({ fleetProvisioning: "dps", deploymentMode: "single-device" }), "dev");
  assert.ok(!r.ok && r.errors.some((e) => e.startsWith('secure-iot-edge:deploymentMode = "single-device": devices that join through DPS')));
  assert.ok(validateConfig(K({ fleetProvisioning: "registry", deploymentMode: "single-device" }), "dev").ok);
});

test("dpsAttestation set on a registry stack warns that it has no effect; unset, no warning", () => {
  const r = validateConfig(K({ dpsAttestation: "symmetricKey" }), "dev");
  assert.ok(r.ok);
  assert.ok(r.warnings.includes('secure-iot-edge:dpsAttestation = "symmetricKey": used only with fleetProvisioning dps; registry devices authenticate as deviceAuth says'));
  assert.ok(!validateConfig({}, "dev").warnings.some((w) => w.includes("dpsAttestation")));
  assert.ok(!validateConfig(K({ fleetProvisioning: "dps", dpsAttestation: "symmetricKey" }), "dev").warnings.some((w) => w.includes("dpsAttestation")));
});
