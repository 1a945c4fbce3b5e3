/**
 * Bastion Developer: the region check in validateConfig, and the request without the feature flags
 * azure-native fills with false (pure function, then what the program declares under the mock
 * engine for Developer and Standard).
 */
import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { validateConfig } from "../../lib/config/config";
import { SUPPORTED_REGIONS } from "../../lib/config/regions";
import { BASTION_DEVELOPER_REGIONS, offersBastionDeveloper } from "../../lib/config/bastionRegions";
import { BASTION_FEATURE_FLAGS, withoutFalseFeatureFlags } from "../../lib/network/bastion";
import { declareStack, one, stackFileConfig, stackNames } from "../helpers/stacks";

const cfg = (region: string, sku: string) => ({ "secure-iot-edge:hubRegion": region, "secure-iot-edge:bastionSku": sku });

describe("Bastion Developer regions", () => {
  test("the list has 35 regions, westeurope and northeurope in it, eastus not", () => {
    assert.equal(BASTION_DEVELOPER_REGIONS.length, 35);
    assert.equal(new Set(BASTION_DEVELOPER_REGIONS).size, 35);
    assert.ok(offersBastionDeveloper("westeurope"));
    assert.ok(offersBastionDeveloper("northeurope"));
    assert.ok(!offersBastionDeveloper("eastus"));
  });

  test("Developer in eastus is a config error naming the key, the region and the regions that work", () => {
    const r = validateConfig(cfg("eastus", "Developer"), "dev", { today: "2026-11-29" });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.errors.length, 1, r.errors.join("\n"));
    const usable = SUPPORTED_REGIONS.filter(offersBastionDeveloper);
    assert.equal(r.errors[0], `secure-iot-edge:bastionSku = "Developer": Bastion Developer is not offered in hubRegion eastus (Microsoft's list of 35 regions, 2025-09); allowed: Basic, Standard or Premium in eastus, or Developer with a hubRegion of ${usable.join(", ")}`);
    assert.ok(usable.includes("westeurope") && !usable.includes("eastus"));
  });

  test("Developer in westeurope and Standard in eastus are accepted", () => {
    assert.ok(validateConfig(cfg("westeurope", "Developer"), "dev", { today: "2026-11-29" }).ok);
    assert.ok(validateConfig(cfg("eastus", "Standard"), "dev", { today: "2026-11-29" }).ok);
  });

  test("every stack file's region offers its Bastion SKU, and the default config is valid", () => {
    for (const stage of stackNames()) {
      const raw = stackFileConfig(stage);
      const region = raw["secure-iot-edge:hubRegion"] ?? "westeurope";
      if ((raw["secure-iot-edge:bastionSku"] ?? "Developer") === "Developer") assert.ok(offersBastionDeveloper(region), stage);
      assert.ok(validateConfig(raw, stage, { today: "2026-11-29" }).ok, stage);
    }
    assert.ok(validateConfig({}, "dev", { today: "2026-11-29" }).ok);
  });
});

describe("the Bastion request's feature flags", () => {
  test("withoutFalseFeatureFlags drops exactly the eight flags that are false and keeps the rest", () => {
    const all = Object.fromEntries(BASTION_FEATURE_FLAGS.map((f) => [f, false]));
    assert.deepEqual(withoutFalseFeatureFlags({ ...all, sku: { name: "Developer" }, scaleUnits: 2 }), { sku: { name: "Developer" }, scaleUnits: 2 });
    assert.deepEqual(withoutFalseFeatureFlags({ ...all, enableTunneling: true }), { enableTunneling: true });
    assert.deepEqual(withoutFalseFeatureFlags({ other: false }), { other: false }, "other false properties stay");
  });

  test("each of the eight flags, named here, is dropped when false and kept when true", () => {
    const flags = [
      "disableCopyPaste",
      "enableFileCopy",
      "enableIpConnect",
      "enableKerberos",
      "enablePrivateOnlyBastion",
      "enableSessionRecording",
      "enableShareableLink",
      "enableTunneling",
    ];
    assert.deepEqual([...BASTION_FEATURE_FLAGS], flags);
    for (const f of flags) {
      assert.deepEqual(withoutFalseFeatureFlags({ [f]: false, scaleUnits: 2 }), { scaleUnits: 2 }, `${f}: false`);
      assert.deepEqual(withoutFalseFeatureFlags({ [f]: true, scaleUnits: 2 }), { [f]: true, scaleUnits: 2 }, `${f}: true`);
    }
    assert.deepEqual(withoutFalseFeatureFlags({ enableTunneling: undefined, enableKerberos: 0, "": false }), { enableTunneling: undefined, enableKerberos: 0, "": false }, "only the value false is dropped");
    assert.deepEqual(withoutFalseFeatureFlags({}), {});
  });

  test("dev's Developer Bastion is declared without any of the eight flags (mock engine)", async () => {
    const s = await declareStack("dev");
    const b = one(s.resources, "azure-native:network:BastionHost").inputs;
    assert.deepEqual((b as { sku: unknown }).sku, { name: "Developer" });
    for (const f of BASTION_FEATURE_FLAGS) assert.ok(!(f in b), f);
  });

  test("prod's Standard Bastion is declared with enableTunneling true (mock engine)", async () => {
    const s = await declareStack("prod");
    const b = one(s.resources, "azure-native:network:BastionHost").inputs as Record<string, unknown>;
    assert.equal(b.enableTunneling, true);
    assert.equal(b.enableShareableLink, false, "non-Developer requests are left as the SDK builds them");
  });
});
