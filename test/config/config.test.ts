/**
 * Config validation: every bad value gets an error naming the key, the value and what is
 * allowed; all errors are reported together (validateConfig alone: test/stack/badConfig.test.ts
 * shows the program then declares nothing).
 */
import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { CONFIG_SPEC, validateConfig } from "../../lib/config/config";
import { stackFileToRaw } from "../../lib/config/stackFile";
import { stackFileConfig, stackNames } from "../helpers/stackFiles";
import { BAD, rawFor } from "./badCases";

/** The classic module is the mode that sends the most through the hub (defender-for-servers sends nothing). */
const CLASSIC = { "secure-iot-edge:securityAgent": "classic-module" };

describe("bad config is rejected with key, value and what is allowed", () => {
  test(`covers at least 15 cases (has ${BAD.length})`, () => assert.ok(BAD.length >= 15));

  for (const c of BAD) {
    test(`rejects ${c.what}`, () => {
      const r = validateConfig(rawFor(c), c.stack ?? "dev");
      assert.equal(r.ok, false);
      if (r.ok) return;
      const msg = r.errors.find((e) => e.startsWith(`secure-iot-edge:${c.key} = `));
      assert.ok(msg, `an error names secure-iot-edge:${c.key}; got ${JSON.stringify(r.errors)}`);
      assert.ok(msg.includes(c.value), `the error shows the value ${c.value}: ${msg}`);
      assert.ok(msg.includes(c.allowed), `the error says what is allowed (${c.allowed}): ${msg}`);
    });
  }
});

describe("all errors are reported together", () => {
  test("three bad keys give three errors in one message", () => {
    const raw = { ...stackFileConfig("dev"), ...stackFileToRaw({ hubSku: "B2", adminUsername: "root", workspaceRetentionDays: 1000 }) };
    const r = validateConfig(raw, "dev");
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.errors.length, 3);
  });

  test("a stack name unfit for resource names is an error", () => {
    const r = validateConfig(stackFileConfig("dev"), "Prod_1");
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.errors[0], /stack name "Prod_1".*allowed: 2-12 lower-case letters and digits/);
  });
});

describe("day-two keys", () => {
  const ok = (set: Record<string, unknown>) => {
    const r = validateConfig(stackFileToRaw(set), "dev");
    assert.ok(r.ok, JSON.stringify(r));
    return r.config;
  };

  test("earlyRenewalHours accepts both ends, 1 and 8760, and defaults to 720 (30 days)", () => {
    assert.equal(ok({ earlyRenewalHours: 1 }).edge.earlyRenewalHours, 1);
    assert.equal(ok({ earlyRenewalHours: 8760 }).edge.earlyRenewalHours, 8760);
    assert.equal(ok({}).edge.earlyRenewalHours, 720);
  });

  test("simulatedDeviceNames picks VMs by name: the order of either list does not matter, inserting a device moves none", () => {
    const a = ok({ edgeDeviceNames: ["plant-a", "plant-b", "plant-c"], simulatedDeviceNames: ["plant-c", "plant-a"] }).fleet.simulated;
    const b = ok({ edgeDeviceNames: ["plant-new", "plant-c", "plant-b", "plant-a"], simulatedDeviceNames: ["plant-a", "plant-c"] }).fleet.simulated;
    assert.deepEqual([...a].sort(), ["plant-a", "plant-c"]);
    assert.deepEqual([...b].sort(), ["plant-a", "plant-c"]);
  });

  test("simulatedDevices with generated names keeps the first N, which adding devices never moves", () => {
    assert.deepEqual(ok({ edgeDeviceCount: 2, simulatedDevices: 1 }).fleet.simulated, ["edge-001"]);
    assert.deepEqual(ok({ edgeDeviceCount: 5, simulatedDevices: 1 }).fleet.simulated, ["edge-001"]);
    assert.deepEqual(ok({ edgeDeviceNames: ["plant-a"], simulatedDevices: 0 }).fleet.simulated, []);
  });

  test("more than 10 simulated devices by name is an error naming the key", () => {
    const names = Array.from({ length: 11 }, (_, i) => `plant-${i}`);
    const r = validateConfig(stackFileToRaw({ edgeDeviceNames: names, simulatedDeviceNames: names }), "dev");
    assert.equal(r.ok, false);
    if (!r.ok) assert.ok(r.errors.some((e) => e.startsWith("secure-iot-edge:simulatedDeviceNames = 11: allowed: at most 10")), r.errors.join("\n"));
  });

  test("protect defaults to false; prod's stack file sets it, dev's and trial's do not", () => {
    assert.equal(ok({}).lifecycle.protect, false);
    for (const stage of ["dev", "prod", "trial"]) {
      const r = validateConfig(stackFileConfig(stage), stage);
      assert.ok(r.ok);
      assert.equal(r.config.lifecycle.protect, stage === "prod", stage);
    }
  });
});

describe("warnings", () => {
  test("no alert e-mail address is a warning that says how to add one", () => {
    const r = validateConfig({}, "dev");
    assert.ok(r.ok);
    assert.match(r.warnings.join("\n"), /alertEmails = \[\]: alerts fire but notify nobody.*pulumi config set --path 'alertEmails\[0\]'/);
    const withEmail = validateConfig({ "secure-iot-edge:alertEmails": '["secops@example.com"]' }, "dev");
    assert.ok(withEmail.ok);
    assert.deepEqual(withEmail.warnings, []);
  });
});

describe("message budget against the hub's daily quota", () => {
  test("a fleet whose security messages exceed the quota is a config error naming hubUnits and the units needed", () => {
    // 1,000 devices x 213 classic-module messages x 52 chunks = 11,076,000 metered messages a day.
    const r = validateConfig({ "secure-iot-edge:edgeDeviceCount": "1000", "secure-iot-edge:simulatedDevices": "0", ...CLASSIC }, "dev");
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0], /^secure-iot-edge:hubUnits = "1": 1000 device\(s\) send 11,076,000 metered messages a day.*over quota.*allowed: at least 28 unit\(s\) of S1/);
  });

  test("the same fleet with enough units passes", () => {
    const r = validateConfig({ "secure-iot-edge:edgeDeviceCount": "1000", "secure-iot-edge:simulatedDevices": "0", "secure-iot-edge:hubUnits": "28", ...CLASSIC }, "dev");
    assert.ok(r.ok);
    const short = validateConfig({ "secure-iot-edge:edgeDeviceCount": "1000", "secure-iot-edge:simulatedDevices": "0", "secure-iot-edge:hubUnits": "27", ...CLASSIC }, "dev");
    assert.equal(short.ok, false, "one unit fewer is over quota");
  });

  test("at 80 % of the quota or more it warns but passes", () => {
    // 29 devices x 11,076 = 321,204 metered messages: 80.3 % of one S1 unit; 28 devices are 77.5 %.
    const r = validateConfig({ "secure-iot-edge:edgeDeviceCount": "29", "secure-iot-edge:simulatedDevices": "0", ...CLASSIC }, "dev");
    assert.ok(r.ok);
    assert.match(r.warnings.join("\n"), /hubUnits = "1": 29 device\(s\) send 321,204 metered messages a day, 80\.3 ?% of the S1/);
    const below = validateConfig({ "secure-iot-edge:edgeDeviceCount": "28", "secure-iot-edge:simulatedDevices": "0", ...CLASSIC }, "dev");
    assert.ok(below.ok);
    assert.doesNotMatch(below.warnings.join("\n"), /hubUnits/);
  });

  test("securityAgent none sends nothing, so no fleet size is over quota", () => {
    const r = validateConfig({ "secure-iot-edge:edgeDeviceCount": "5000", "secure-iot-edge:simulatedDevices": "0", "secure-iot-edge:securityAgent": "none" }, "dev");
    assert.ok(r.ok);
  });

  test("defender-for-servers (the default) sends nothing through the hub, so no fleet size is over quota", () => {
    const r = validateConfig({ "secure-iot-edge:edgeDeviceCount": "5000", "secure-iot-edge:simulatedDevices": "0" }, "dev");
    assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
    assert.doesNotMatch(r.warnings.join("\n"), /hubUnits/);
  });
});

describe("defaults and good config", () => {
  test("an empty config is valid and takes every default from CONFIG_SPEC", () => {
    const r = validateConfig({}, "dev");
    assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
    if (!r.ok) return;
    assert.equal(r.config.hub.region, CONFIG_SPEC.hubRegion.default);
    assert.equal(r.config.hub.sku, CONFIG_SPEC.hubSku.default);
    assert.equal(r.config.workspace.region, r.config.hub.region, "workspace defaults to the hub's region");
    assert.equal(r.config.bastion.sku, "Developer");
    assert.deepEqual(r.config.fleet.devices, ["edge-001"]);
    assert.deepEqual(r.config.fleet.simulated, ["edge-001"]);
    assert.equal(r.config.agent.mode, "defender-for-servers");
  });

  test("a workspace region may differ from the hub's", () => {
    const r = validateConfig({ "secure-iot-edge:workspaceRegion": "northeurope" }, "dev");
    assert.ok(r.ok && r.config.workspace.region === "northeurope");
  });

  test("a device count names devices edge-001 onwards, wider when needed", () => {
    const r = validateConfig({ "secure-iot-edge:edgeDeviceCount": "1000", "secure-iot-edge:simulatedDevices": "0", "secure-iot-edge:hubSku": "S2" }, "dev");
    assert.ok(r.ok);
    if (!r.ok) return;
    assert.equal(r.config.fleet.devices.length, 1000);
    assert.equal(r.config.fleet.devices[0], "edge-0001");
    assert.equal(r.config.fleet.devices[999], "edge-1000");
    assert.deepEqual(r.config.fleet.simulated, []);
  });

  test("IoT Edge 1.5 and the classic module are accepted with warnings", () => {
    const r = validateConfig({ "secure-iot-edge:iotEdgeVersion": "1.5", "secure-iot-edge:securityAgent": "classic-module", "secure-iot-edge:alertEmails": '["secops@example.com"]' }, "dev", { today: "2026-11-29" });
    assert.ok(r.ok);
    assert.equal(r.warnings.length, 2);
    assert.match(r.warnings.join("\n"), /support ended on 2026-11-10[\s\S]*ended support for securityAgent classic-module on 2022-03-01; .*documented only with edgeHub 1\.0\.8\.3 or older/);
  });

  test("the repository has dev, prod and trial stack files", () => {
    assert.deepEqual(stackNames(), ["dev", "prod", "trial"]);
  });

  test("every stack file in the repository is valid", () => {
    for (const stack of stackNames()) {
      const r = validateConfig(stackFileConfig(stack), stack);
      assert.ok(r.ok, `${stack}: ${JSON.stringify(!r.ok && r.errors)}`);
    }
  });
});

describe("data-plane access config", () => {
  test("the retry budget's limits 1 and 120 minutes are accepted, and sas with 15 minutes is the default", () => {
    for (const minutes of [1, 120]) {
      const r = validateConfig({ ...stackFileConfig("dev"), ...stackFileToRaw({ dataPlaneRetryMinutes: minutes }) }, "dev");
      assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
      if (r.ok) assert.equal(r.config.dataPlane.retryMinutes, minutes);
    }
    const d = validateConfig(stackFileConfig("dev"), "dev");
    assert.ok(d.ok);
    if (d.ok) assert.deepEqual(d.config.dataPlane, { auth: "sas", retryMinutes: 15 });
  });
});
