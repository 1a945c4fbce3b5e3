/**
 * Config validation: every bad value gets an error naming the key, the value and what is
 * allowed; all errors are reported together (validateConfig alone: test/stack/badConfig.test.ts
 * shows the program then declares nothing).
 */
import { describe, test } from "node:test";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import * as assert from "node:assert/strict";
import { CONFIG_SPEC, ConfigError, formatErrors, RECOMMENDATION_TYPES, validateConfig, type StackConfig, type ValidateOptions } from "../../lib/config/config";
import { SUPPORTED_REGIONS } from "../../lib/config/regions";
import { stackFileToRaw } from "../../lib/config/stackFile";
import { stackFileConfig, stackNames } from "../helpers/stackFiles";
import { BAD, rawFor } from "./badCases";
import { repoRoot } from "../helpers/validators";

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
    // One sentence joined to the next with "; ", not ".; ".
    assert.match(r.errors[0], / or send less often; allowed: /);
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

// ---------------------------------------------------------------------------------------------
// Every limit, both sides; every message whole. Each case starts from the defaults (an empty
// stack), so the one key under test is the only thing that can fail.
// ---------------------------------------------------------------------------------------------

const P = "secure-iot-edge";
const accepted = (set: Record<string, unknown>, stack = "dev", options: ValidateOptions = {}): StackConfig => {
  const r = validateConfig(stackFileToRaw(set), stack, options);
  assert.ok(r.ok, `${JSON.stringify(set)} is accepted: ${JSON.stringify(!r.ok && r.errors)}`);
  return r.config;
};
const rejected = (set: Record<string, unknown>, stack = "dev"): string[] => {
  const r = validateConfig(stackFileToRaw(set), stack);
  assert.equal(r.ok, false, `${JSON.stringify(set)} is rejected`);
  return r.ok ? [] : r.errors;
};
const warningsOf = (set: Record<string, unknown>, stack = "dev", options: ValidateOptions = {}): string[] => {
  const r = validateConfig(stackFileToRaw({ alertEmails: ["secops@example.com"], ...set }), stack, options);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  return r.warnings;
};
const wholeNumber = (key: string, value: string, min: number, max: number) => `${P}:${key} = ${JSON.stringify(value)}: allowed: a whole number from ${min} to ${max}`;

describe("hubUnits: each tier's limits, both sides", () => {
  const LIMITS: [string, number][] = [["F1", 1], ["S1", 200], ["S2", 200], ["S3", 10]];
  for (const [sku, max] of LIMITS) {
    test(`${sku}: 1 and ${max} units are accepted and kept; 0 and ${max + 1} are rejected naming the tier and its range`, () => {
      assert.deepEqual(accepted({ hubSku: sku, hubUnits: 1 }).hub, { region: "westeurope", sku, units: 1 });
      assert.deepEqual(accepted({ hubSku: sku, hubUnits: max }).hub, { region: "westeurope", sku, units: max });
      for (const bad of [0, max + 1]) {
        assert.deepEqual(rejected({ hubSku: sku, hubUnits: bad }), [`${P}:hubUnits = "${bad}": allowed for ${sku}: a whole number from 1 to ${max}`]);
      }
    });
  }

  test("a unit count that is not a plain whole number is rejected, even when it would parse as one", () => {
    for (const bad of ["1e2", "0x10", "2.0", "-1", "two", "", "1 2"]) {
      assert.deepEqual(rejected({ hubSku: "S1", hubUnits: bad }), [`${P}:hubUnits = ${JSON.stringify(bad)}: allowed for S1: a whole number from 1 to 200`], bad);
    }
    assert.equal(accepted({ hubUnits: " 3 " }).hub.units, 3, "surrounding spaces are trimmed");
  });

  test("the default is one S1 unit", () => {
    assert.deepEqual(accepted({}).hub, { region: "westeurope", sku: "S1", units: 1 });
  });
});

describe("hubSku", () => {
  test("each Basic tier is rejected with the reason, and the units are then checked against S1", () => {
    for (const sku of ["B1", "B2", "B3"]) {
      assert.deepEqual(rejected({ hubSku: sku, hubUnits: 200 }), [`${P}:hubSku = "${sku}": Basic tiers have no device twins, which IoT Edge and Defender for IoT need; allowed: F1, S1, S2, S3`]);
    }
  });

  test("anything else outside the list gets the plain list, not the Basic-tier reason", () => {
    for (const sku of ["B4", "B12", "xB1", "b1", "S4", ""]) {
      assert.deepEqual(rejected({ hubSku: sku }), [`${P}:hubSku = ${JSON.stringify(sku)}: allowed: F1, S1, S2, S3`], sku);
    }
  });
});

describe("Bastion scale units", () => {
  for (const sku of ["Standard", "Premium"]) {
    test(`${sku}: 2 and 50 are accepted and kept; 1 and 51 are rejected`, () => {
      assert.deepEqual(accepted({ bastionSku: sku, bastionScaleUnits: 2 }).bastion, { sku, scaleUnits: 2 });
      assert.deepEqual(accepted({ bastionSku: sku, bastionScaleUnits: 50 }).bastion, { sku, scaleUnits: 50 });
      for (const bad of ["1", "51", "0", "1e1", "2.5", "-2", "ten"]) {
        assert.deepEqual(rejected({ bastionSku: sku, bastionScaleUnits: bad }), [`${P}:bastionScaleUnits = ${JSON.stringify(bad)}: allowed: a whole number from 2 to 50`], bad);
      }
    });
  }

  for (const sku of ["Developer", "Basic"]) {
    test(`${sku} has a fixed size: 2 is accepted, 3 and 50 are rejected naming the SKU, 1 is out of range`, () => {
      assert.deepEqual(accepted({ bastionSku: sku, bastionScaleUnits: 2 }).bastion, { sku, scaleUnits: 2 });
      for (const bad of [3, 50]) {
        assert.deepEqual(rejected({ bastionSku: sku, bastionScaleUnits: bad }), [`${P}:bastionScaleUnits = "${bad}": the ${sku} SKU has a fixed size; allowed: 2, or choose bastionSku Standard or Premium`]);
      }
      assert.deepEqual(rejected({ bastionSku: sku, bastionScaleUnits: 1 }), [`${P}:bastionScaleUnits = "1": allowed: a whole number from 2 to 50`]);
    });
  }

  test("the default is Developer with 2 units", () => {
    assert.deepEqual(accepted({}).bastion, { sku: "Developer", scaleUnits: 2 });
  });
});

describe("Bastion SKU and region", () => {
  test("Developer in a region that does not offer it is rejected, naming the region, the source and where it is offered", () => {
    const usable = "australiaeast, australiasoutheast, brazilsouth, canadacentral, canadaeast, centralindia, centralus, eastasia, francecentral, japaneast, japanwest, koreacentral, koreasouth, northcentralus, northeurope, southeastasia, southindia, uksouth, ukwest, westcentralus, westeurope, westus";
    for (const region of ["eastus", "eastus2", "southcentralus", "westus2"]) {
      assert.deepEqual(rejected({ hubRegion: region }), [`${P}:bastionSku = "Developer": Bastion Developer is not offered in hubRegion ${region} (Microsoft's list of 35 regions, 2025-09); allowed: Basic, Standard or Premium in ${region}, or Developer with a hubRegion of ${usable}`]);
    }
  });

  test("a dedicated SKU is accepted where Developer is not offered", () => {
    for (const sku of ["Basic", "Standard", "Premium"]) assert.equal(accepted({ hubRegion: "eastus", bastionSku: sku }).bastion.sku, sku);
  });

  test("a hub region outside the Defender for IoT list gets its own error only, not a Bastion one as well", () => {
    assert.deepEqual(rejected({ hubRegion: "westus3" }), [`${P}:hubRegion = "westus3": not a Defender for IoT region; allowed: ${SUPPORTED_REGIONS.join(", ")}`]);
  });

  test("an unknown SKU lists the four", () => {
    assert.deepEqual(rejected({ bastionSku: "developer" }), [`${P}:bastionSku = "developer": allowed: Developer, Basic, Standard, Premium`]);
  });
});

describe("regions", () => {
  test("the workspace region defaults to the hub's and may be any other Defender for IoT region", () => {
    assert.deepEqual(accepted({ hubRegion: "northeurope" }).workspace, { region: "northeurope", retentionDays: 30, dailyCapGb: undefined });
    assert.equal(accepted({ hubRegion: "northeurope", workspaceRegion: "eastus" }).workspace.region, "eastus");
    assert.equal(accepted({ hubRegion: "northeurope" }).hub.region, "northeurope");
  });

  test("a workspace region outside the list is rejected with the full list", () => {
    assert.deepEqual(rejected({ workspaceRegion: "germanywestcentral" }), [`${P}:workspaceRegion = "germanywestcentral": not a Defender for IoT region; allowed: empty (the hub's region) or ${SUPPORTED_REGIONS.join(", ")}`]);
  });
});

describe("securityRecommendationsDisabled", () => {
  test("the validated config carries exactly the listed types, in order", () => {
    assert.deepEqual(accepted({ securityRecommendationsDisabled: ["IoT_OpenPorts", "IoT_SharedCredentials"] }).security, { disabledRecommendations: ["IoT_OpenPorts", "IoT_SharedCredentials"] });
    assert.deepEqual(accepted({ securityRecommendationsDisabled: ["IoT_VulnerableTLSCipherSuite"] }).security.disabledRecommendations, ["IoT_VulnerableTLSCipherSuite"]);
    assert.deepEqual(accepted({ securityRecommendationsDisabled: [" IoT_Baseline "] }).security.disabledRecommendations, ["IoT_Baseline"], "items are trimmed");
  });

  test("by default none is disabled", () => {
    assert.deepEqual(accepted({}).security.disabledRecommendations, []);
  });

  test("every documented type may be disabled", () => {
    assert.deepEqual(accepted({ securityRecommendationsDisabled: [...RECOMMENDATION_TYPES] }).security.disabledRecommendations, [...RECOMMENDATION_TYPES]);
  });

  test("an unknown type is an error listing the types; the known ones beside it raise none", () => {
    assert.deepEqual(rejected({ securityRecommendationsDisabled: ["IoT_OpenPorts", "IoT_Nope"] }), [`${P}:securityRecommendationsDisabled = "IoT_Nope": not a recommendation type; allowed: ${RECOMMENDATION_TYPES.join(", ")}`]);
  });

  test("a value that is not a list of strings says how to set one item", () => {
    for (const bad of ["IoT_OpenPorts", "[1]", '{"a":"b"}', "[\"IoT_OpenPorts\""]) {
      assert.deepEqual(rejected({ securityRecommendationsDisabled: bad }), [`${P}:securityRecommendationsDisabled = ${JSON.stringify(bad)}: allowed: a list of strings, one item at a time: pulumi config set --path 'securityRecommendationsDisabled[0]' '<value>' (offline plan: npm run plan -- --stack <stack> --set 'securityRecommendationsDisabled[0]=<value>')`], bad);
    }
  });
});

describe("whole-number keys: both sides of both limits, and the message", () => {
  const RANGES: [key: string, min: number, max: number, read: (c: StackConfig) => number, extra?: Record<string, unknown>][] = [
    ["dataPlaneRetryMinutes", 1, 120, (c) => c.dataPlane.retryMinutes],
    ["workspaceRetentionDays", 30, 730, (c) => c.workspace.retentionDays],
    ["storeAndForwardTtlSecs", 60, 604800, (c) => c.edge.storeAndForwardTtlSecs],
    ["deploymentPriority", 0, 2147483647, (c) => c.edge.deploymentPriority],
    ["earlyRenewalHours", 1, 8760, (c) => c.edge.earlyRenewalHours],
    ["agentMaxMessageSizeBytes", 8192, 262144, (c) => c.agent.maxMessageSizeInBytes],
    ["agentMaxLocalCacheSizeBytes", 8192, 2147483647, (c) => c.agent.maxLocalCacheSizeInBytes],
    ["microAgentMessageSizeBytes", 1, 262144, (c) => c.agent.microAgentMessageSizeBytes],
    ["alertSeverity", 0, 4, (c) => c.alerts.severity],
    ["sshFailureThreshold", 1, 1000, (c) => c.alerts.sshFailureThreshold],
    ["edgeDeviceCount", 1, 5000, (c) => c.fleet.devices.length],
    ["simulatedDevices", 0, 10, (c) => c.fleet.simulated.length, { edgeDeviceCount: 10 }],
  ];
  for (const [key, min, max, read, extra = {}] of RANGES) {
    test(`${key}: ${min} and ${max} are accepted and kept, ${min - 1} and ${max + 1} are rejected`, () => {
      assert.equal(read(accepted({ ...extra, [key]: min })), min);
      assert.equal(read(accepted({ ...extra, [key]: max })), max);
      for (const bad of [min - 1, max + 1]) assert.deepEqual(rejected({ ...extra, [key]: bad }), [wholeNumber(key, String(bad), min, max)]);
    });
  }

  test("a value that is not a plain whole number is rejected, even when JavaScript would read a number in range", () => {
    for (const bad of ["1e2", "0x10", "10.0", "15x", "x15", "", "fifteen"]) {
      assert.deepEqual(rejected({ dataPlaneRetryMinutes: bad }), [wholeNumber("dataPlaneRetryMinutes", bad, 1, 120)], bad);
    }
    assert.equal(accepted({ dataPlaneRetryMinutes: " 15 " }).dataPlane.retryMinutes, 15);
  });

  test("the defaults are CONFIG_SPEC's", () => {
    const c = accepted({});
    for (const [key, , , read] of RANGES) {
      const spec = CONFIG_SPEC[key as keyof typeof CONFIG_SPEC];
      assert.equal(read(c), spec.default, key);
    }
  });
});

describe("workspaceDailyCapGb", () => {
  test("empty means no cap; a decimal above 0 up to 10000 GB is kept", () => {
    assert.equal(accepted({ workspaceDailyCapGb: "" }).workspace.dailyCapGb, undefined);
    assert.equal(accepted({ workspaceDailyCapGb: "0.5" }).workspace.dailyCapGb, 0.5);
    assert.equal(accepted({ workspaceDailyCapGb: "0.01" }).workspace.dailyCapGb, 0.01);
    assert.equal(accepted({ workspaceDailyCapGb: "10000" }).workspace.dailyCapGb, 10000);
    assert.equal(accepted({ workspaceDailyCapGb: " 2 " }).workspace.dailyCapGb, 2);
  });

  test("0, more than 10000 and anything but a plain decimal are rejected", () => {
    for (const bad of ["0", "0.0", "10000.5", "10001", "-1", "1e2", ".5", "1.", "0x10", "one", "1 GB"]) {
      assert.deepEqual(rejected({ workspaceDailyCapGb: bad }), [`${P}:workspaceDailyCapGb = ${JSON.stringify(bad)}: allowed: empty (no cap) or a number of GB above 0, e.g. 0.5`], bad);
    }
  });
});

describe("network", () => {
  test("Developer needs no Bastion subnet: its prefix is not even read", () => {
    const c = accepted({ bastionSku: "Developer", bastionSubnetPrefix: "nonsense" });
    assert.equal(c.network.bastionSubnet, undefined);
    assert.equal(c.network.addressSpace.text, "10.50.0.0/16");
    assert.equal(c.network.edgeSubnet.text, "10.50.1.0/24");
  });

  test("a dedicated SKU takes the Bastion subnet; /26 and larger are accepted, /27 is not", () => {
    assert.equal(accepted({ bastionSku: "Basic" }).network.bastionSubnet?.text, "10.50.255.0/26");
    assert.equal(accepted({ bastionSku: "Standard", bastionSubnetPrefix: "10.50.254.0/25" }).network.bastionSubnet?.text, "10.50.254.0/25");
    assert.deepEqual(rejected({ bastionSku: "Premium", bastionSubnetPrefix: "10.50.255.0/27" }), [`${P}:bastionSubnetPrefix = "10.50.255.0/27": the Premium SKU needs an AzureBastionSubnet of /26 or larger; allowed: a prefix length of 26 or less`]);
    assert.deepEqual(rejected({ bastionSku: "Basic", bastionSubnetPrefix: "nonsense" }).length, 1);
  });

  test("a Bastion subnet outside the address space, or over the edge subnet, is rejected", () => {
    assert.deepEqual(rejected({ bastionSku: "Basic", bastionSubnetPrefix: "10.60.0.0/26" }), [`${P}:bastionSubnetPrefix = "10.60.0.0/26": allowed: a subnet inside vnetAddressSpace 10.50.0.0/16`]);
    assert.deepEqual(rejected({ bastionSku: "Basic", bastionSubnetPrefix: "10.50.1.64/26" }), [`${P}:bastionSubnetPrefix = "10.50.1.64/26": overlaps edgeSubnetPrefix 10.50.1.0/24; allowed: a range that does not overlap it`]);
  });

  test("the edge subnet: /29 is the smallest accepted, /30 is rejected; outside the space is rejected", () => {
    assert.equal(accepted({ edgeSubnetPrefix: "10.50.1.0/29" }).network.edgeSubnet.prefix, 29);
    assert.deepEqual(rejected({ edgeSubnetPrefix: "10.50.1.0/30" }), [`${P}:edgeSubnetPrefix = "10.50.1.0/30": allowed: /29 or larger (Azure reserves 5 addresses per subnet)`]);
    assert.deepEqual(rejected({ edgeSubnetPrefix: "10.51.1.0/24" }), [`${P}:edgeSubnetPrefix = "10.51.1.0/24": allowed: a subnet inside vnetAddressSpace 10.50.0.0/16`]);
  });

  test("a malformed prefix names the problem", () => {
    const errors = rejected({ vnetAddressSpace: "10.50.0.0/33" });
    assert.equal(errors.length, 1);
    assert.match(errors[0], /^secure-iot-edge:vnetAddressSpace = "10\.50\.0\.0\/33": .+; allowed: an IPv4 network in CIDR form$/);
  });
});

describe("VM settings", () => {
  test("vmSize must be a Standard_ size name", () => {
    assert.equal(accepted({ vmSize: "Standard_D2s_v5" }).vm.size, "Standard_D2s_v5");
    for (const bad of ["Basic_A1", "Standard_", "xStandard_B2s", "Standard_B2s!", "standard_b2s", "Standard_B2 s"]) {
      assert.deepEqual(rejected({ vmSize: bad }), [`${P}:vmSize = ${JSON.stringify(bad)}: allowed: an Azure VM size name such as Standard_B2s`], bad);
    }
  });

  test("vmImage: both images are accepted, anything else lists them", () => {
    assert.equal(accepted({ vmImage: "ubuntu-24.04" }).vm.image, "ubuntu-24.04");
    assert.equal(accepted({}).vm.image, "ubuntu-22.04");
    assert.deepEqual(rejected({ vmImage: "ubuntu-20.04" }), [`${P}:vmImage = "ubuntu-20.04": allowed: ubuntu-22.04, ubuntu-24.04`]);
  });

  test("vmImageVersion: latest or three dot-separated numbers", () => {
    assert.equal(accepted({}).vm.imageVersion, "latest");
    assert.equal(accepted({ vmImageVersion: "22.04.202611010" }).vm.imageVersion, "22.04.202611010");
    for (const bad of ["22.04", "v22.04.1", "22.04.1x", "22.04.1.2", "Latest", "22..1"]) {
      assert.deepEqual(rejected({ vmImageVersion: bad }), [`${P}:vmImageVersion = ${JSON.stringify(bad)}: allowed: latest or a version such as 22.04.202611010`], bad);
    }
  });

  test("adminUsername: reserved names in any case, then 1-32 Linux user-name characters", () => {
    for (const reserved of ["root", "Admin", "ADMINISTRATOR", "user5", "1"]) {
      assert.deepEqual(rejected({ adminUsername: reserved }), [`${P}:adminUsername = ${JSON.stringify(reserved)}: Azure reserves this name; allowed: any other Linux user name, e.g. edgeadmin`], reserved);
    }
    for (const good of ["_", "edge-admin_1", `e${"x".repeat(31)}`]) assert.equal(accepted({ adminUsername: good }).vm.adminUsername, good);
    for (const bad of [`e${"x".repeat(32)}`, "1edge", "-edge", "edge.admin", "Edge", ""]) {
      assert.deepEqual(rejected({ adminUsername: bad }), [`${P}:adminUsername = ${JSON.stringify(bad)}: allowed: 1-32 characters, lower-case letters, digits, _ or -, starting with a letter or _`], bad);
    }
  });

  test("auto-shutdown: HHMM from 0000 to 2359 with a time zone, or off (then the time zone is not read)", () => {
    assert.deepEqual(accepted({}).vm.autoShutdown, { time: "1900", timeZone: "UTC" });
    assert.deepEqual(accepted({ autoShutdownTime: "0000", autoShutdownTimeZone: "W. Europe Standard Time" }).vm.autoShutdown, { time: "0000", timeZone: "W. Europe Standard Time" });
    assert.deepEqual(accepted({ autoShutdownTime: "2359" }).vm.autoShutdown, { time: "2359", timeZone: "UTC" });
    assert.equal(accepted({ autoShutdownTime: "off", autoShutdownTimeZone: "!!" }).vm.autoShutdown, undefined);
    for (const bad of ["2400", "1960", "190", "19000", "x1900", "1900x", "19:00"]) {
      assert.deepEqual(rejected({ autoShutdownTime: bad }), [`${P}:autoShutdownTime = ${JSON.stringify(bad)}: allowed: HHMM on a 24-hour clock, e.g. 1900, or off`], bad);
    }
  });

  test("the time zone: a Windows id of up to 64 characters starting with a letter", () => {
    for (const good of ["UTC", "Pacific Standard Time (Mexico)", "UTC+12", "UTC-02", "Sao Tome Standard Time", `A${"b".repeat(63)}`]) {
      assert.equal(accepted({ autoShutdownTimeZone: good }).vm.autoShutdown?.timeZone, good);
    }
    for (const bad of ["(UTC+01:00) Amsterdam", "1UTC", `A${"b".repeat(64)}`, "UTC;", "Europe/Berlin", " "]) {
      assert.deepEqual(rejected({ autoShutdownTimeZone: bad }), [`${P}:autoShutdownTimeZone = ${JSON.stringify(bad.trim())}: allowed: a Windows time zone id such as UTC or W. Europe Standard Time`], bad);
    }
  });
});

describe("IoT Edge settings", () => {
  test("1.6 is the default and warns of nothing; 1.5 warns that its support ended", () => {
    assert.equal(accepted({}).edge.version, "1.6");
    assert.deepEqual(warningsOf({}), []);
    assert.deepEqual(warningsOf({ iotEdgeVersion: "1.5" }), [`${P}:iotEdgeVersion = "1.5": IoT Edge 1.5 LTS support ended on 2026-11-10; 1.6 LTS is supported to 2028-11-14`]);
    assert.deepEqual(rejected({ iotEdgeVersion: "1.4" }), [`${P}:iotEdgeVersion = "1.4": allowed: 1.6, 1.5`]);
  });

  test("deviceAuth and deploymentMode accept their values and list them otherwise", () => {
    assert.equal(accepted({ deviceAuth: "connectionString" }).edge.deviceAuth, "connectionString");
    assert.deepEqual(rejected({ deviceAuth: "sas" }), [`${P}:deviceAuth = "sas": allowed: x509, connectionString`]);
    assert.equal(accepted({ deploymentMode: "single-device" }).edge.deploymentMode, "single-device");
    assert.deepEqual(rejected({ deploymentMode: "layered" }), [`${P}:deploymentMode = "layered": allowed: at-scale, single-device`]);
  });

  test("single-device: 10 devices are accepted, 11 are rejected", () => {
    assert.equal(accepted({ deploymentMode: "single-device", edgeDeviceCount: 10 }).fleet.devices.length, 10);
    assert.deepEqual(rejected({ deploymentMode: "single-device", edgeDeviceCount: 11 }), [`${P}:deploymentMode = "single-device": 11 devices would mean 11 separate deployments; allowed: at-scale, or at most 10 devices`]);
  });

  test("dataPlaneAuth: sas and entra are accepted, anything else lists them", () => {
    assert.deepEqual(accepted({ dataPlaneAuth: "entra" }).dataPlane, { auth: "entra", retryMinutes: 15 });
    assert.deepEqual(rejected({ dataPlaneAuth: "owner" }), [`${P}:dataPlaneAuth = "owner": allowed: sas, entra`]);
  });
});

describe("security agent settings", () => {
  const CLASSIC_MODE = { securityAgent: "classic-module" };

  test("the classic image tag: up to 128 tag characters, not starting with . or -", () => {
    for (const good of ["1.0.2", "latest", "_x", `a${"b".repeat(127)}`]) assert.equal(accepted({ classicAgentImageTag: good }).agent.classicImageTag, good);
    for (const bad of [".1", "-1", "1.0.2!", "a:b", `a${"b".repeat(128)}`]) {
      assert.deepEqual(rejected({ classicAgentImageTag: bad }), [`${P}:classicAgentImageTag = ${JSON.stringify(bad)}: allowed: a container image tag such as 1.0.2`], bad);
    }
  });

  test("event priorities become a map; anything but Event=Off|Low|High is rejected", () => {
    assert.deepEqual(accepted({ agentEventPriorities: ["ProcessCreate=High", "Login=Off", "X1=Low"] }).agent.eventPriorities, { ProcessCreate: "High", Login: "Off", X1: "Low" });
    assert.deepEqual(accepted({}).agent.eventPriorities, {});
    for (const bad of ["ProcessCreate=Medium", "1Proc=High", "Proc-Create=High", "=High", "ProcessCreate", "ProcessCreate=high", "ProcessCreate=HighX", "xProcessCreate=High=Low"]) {
      assert.deepEqual(rejected({ agentEventPriorities: [bad] }), [`${P}:agentEventPriorities = ${JSON.stringify(bad)}: allowed: Event=Off, Event=Low or Event=High, e.g. ProcessCreate=High`], bad);
    }
  });

  const DURATIONS: [string, (c: StackConfig) => string][] = [
    ["agentHighPriorityFrequency", (c) => c.agent.highPriorityMessageFrequency],
    ["agentLowPriorityFrequency", (c) => c.agent.lowPriorityMessageFrequency],
    ["agentSnapshotFrequency", (c) => c.agent.snapshotFrequency],
  ];
  for (const [key, read] of DURATIONS) {
    test(`${key} takes an ISO 8601 duration of days, hours, minutes and seconds`, () => {
      for (const good of ["PT7M", "PT5H", "P1D", "P1DT12H", "PT1H30M", "PT45S", "P10DT1H2M3S"]) assert.equal(read(accepted({ [key]: good })), good);
      for (const bad of ["P", "PT", "P1DT", "P1H", "PT1D", "7M", "pt7m", "PT7M5H", "xPT7M", "PT7Mx", "PTM"]) {
        assert.deepEqual(rejected({ [key]: bad }), [`${P}:${key} = ${JSON.stringify(bad)}: allowed: an ISO 8601 duration such as PT7M, PT5H or P1D`], bad);
      }
    });
  }

  test("the durations default to PT7M, PT5H and PT13H", () => {
    const a = accepted({}).agent;
    assert.deepEqual([a.highPriorityMessageFrequency, a.lowPriorityMessageFrequency, a.snapshotFrequency], ["PT7M", "PT5H", "PT13H"]);
  });

  test("micro-agent intervals: three whole minutes, each a multiple of the one before", () => {
    assert.deepEqual(accepted({}).agent.microAgentIntervalsMinutes, { high: 30, medium: 120, low: 1440 });
    assert.deepEqual(accepted({ microAgentPriorityIntervals: "15, 60 ,60" }).agent.microAgentIntervalsMinutes, { high: 15, medium: 60, low: 60 });
    assert.deepEqual(accepted({ microAgentPriorityIntervals: "1,1,1" }).agent.microAgentIntervalsMinutes, { high: 1, medium: 1, low: 1 });
    for (const bad of ["30,120", "30,120,1440,2880", "0,0,0", "30,100,1440", "30,120,1000", "1.5,3,6", "-30,-60,-120", "30,,1440", "thirty"]) {
      assert.deepEqual(rejected({ microAgentPriorityIntervals: bad }), [`${P}:microAgentPriorityIntervals = ${JSON.stringify(bad)}: allowed: three whole numbers of minutes High,Medium,Low, each a multiple of the one before, e.g. 30,120,1440`], bad);
    }
  });

  test("debug logging and the echo module: true or false; true only with the classic module", () => {
    const c = accepted({ ...CLASSIC_MODE, agentDebugLogging: true, echoModule: true }).agent;
    assert.deepEqual([c.debugLogging, c.echoModule], [true, true]);
    const d = accepted({ ...CLASSIC_MODE }).agent;
    assert.deepEqual([d.debugLogging, d.echoModule], [false, false]);
    assert.deepEqual(rejected({ securityAgent: "none", agentDebugLogging: true }), [`${P}:agentDebugLogging = true: logLevel=Debug is a setting of the classic security module, but securityAgent is none; allowed: false, or securityAgent classic-module`]);
    assert.deepEqual(rejected({ echoModule: true }), [`${P}:echoModule = true: the echo module is fed by the classic security module, but securityAgent is defender-for-servers; allowed: false, or securityAgent classic-module`]);
    assert.deepEqual(accepted({ securityAgent: "none", agentDebugLogging: false, echoModule: false }).agent.mode, "none");
  });

  test("an unknown agent mode lists the four", () => {
    assert.deepEqual(rejected({ securityAgent: "defender" }), [`${P}:securityAgent = "defender": allowed: defender-for-servers, micro-agent, classic-module, none`]);
  });
});

describe("true-or-false keys", () => {
  const BOOLEANS: [string, (c: StackConfig) => boolean, Record<string, unknown>][] = [
    ["resourceGroupLock", (c) => c.lifecycle.resourceGroupLock, {}],
    ["protect", (c) => c.lifecycle.protect, {}],
    ["agentDebugLogging", (c) => c.agent.debugLogging, { securityAgent: "classic-module" }],
    ["echoModule", (c) => c.agent.echoModule, { securityAgent: "classic-module" }],
  ];
  for (const [key, read, extra] of BOOLEANS) {
    test(`${key}: true and false are kept, false by default, anything else is rejected`, () => {
      assert.equal(read(accepted({ ...extra, [key]: true })), true);
      assert.equal(read(accepted({ ...extra, [key]: false })), false);
      assert.equal(read(accepted({ ...extra })), false);
      for (const bad of ["yes", "True", "1", ""]) assert.deepEqual(rejected({ ...extra, [key]: bad }), [`${P}:${key} = ${JSON.stringify(bad)}: allowed: true or false`], bad);
    });
  }
});

describe("fleet provisioning", () => {
  test("registry is the default; dps keeps its attestation", () => {
    assert.deepEqual(accepted({}).provisioning, { mode: "registry", dpsAttestation: "x509" });
    assert.deepEqual(accepted({ fleetProvisioning: "dps", dpsAttestation: "symmetricKey" }).provisioning, { mode: "dps", dpsAttestation: "symmetricKey" });
    assert.deepEqual(rejected({ fleetProvisioning: "manual" }), [`${P}:fleetProvisioning = "manual": allowed: registry, dps`]);
    assert.deepEqual(rejected({ fleetProvisioning: "dps", dpsAttestation: "tpm" }), [`${P}:dpsAttestation = "tpm": allowed: x509, symmetricKey`]);
  });

  test("a dps attestation set on a registry stack is a warning, given with or without the namespace; none when unset or with dps", () => {
    const warning = `${P}:dpsAttestation = "symmetricKey": used only with fleetProvisioning dps; registry devices authenticate as deviceAuth says`;
    assert.deepEqual(warningsOf({ dpsAttestation: "symmetricKey" }), [warning]);
    const bare = validateConfig({ dpsAttestation: "symmetricKey", [`${P}:alertEmails`]: '["a@example.com"]' }, "dev");
    assert.ok(bare.ok);
    assert.deepEqual(bare.warnings, [warning]);
    assert.deepEqual(warningsOf({}), []);
    assert.deepEqual(warningsOf({ fleetProvisioning: "dps", dpsAttestation: "symmetricKey" }), []);
  });

  test("dps cannot use single-device deployments", () => {
    assert.deepEqual(rejected({ fleetProvisioning: "dps", deploymentMode: "single-device" }), [`${P}:deploymentMode = "single-device": devices that join through DPS are reached only by the at-scale deployment's target condition; allowed: at-scale, or fleetProvisioning registry`]);
  });

  test("device counts: registry 5000 / 5001, dps 100000 / 100001", () => {
    assert.equal(accepted({ edgeDeviceCount: 5000 }).fleet.devices.length, 5000);
    assert.deepEqual(rejected({ edgeDeviceCount: 5001 }), [wholeNumber("edgeDeviceCount", "5001", 1, 5000)]);
    const dps = accepted({ fleetProvisioning: "dps", edgeDeviceCount: 100000 }).fleet.devices;
    assert.equal(dps.length, 100000);
    assert.deepEqual([dps[0], dps[99999]], ["edge-000001", "edge-100000"]);
    assert.deepEqual(rejected({ fleetProvisioning: "dps", edgeDeviceCount: 100001 }), [wholeNumber("edgeDeviceCount", "100001", 1, 100000)]);
  });
});

describe("edge device names", () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => `plant-${i + 1}`);

  test("2-32 lower-case letters, digits and hyphens, no hyphen at either end", () => {
    const good = ["ab", "a1", "plant-1", `a${"b".repeat(31)}`];
    assert.deepEqual(accepted({ edgeDeviceNames: good, simulatedDevices: 0 }).fleet.devices, good);
    for (const bad of ["a", `a${"b".repeat(32)}`, "-ab", "ab-", "a_b", "Ab", "a b"]) {
      assert.deepEqual(rejected({ edgeDeviceNames: [bad], simulatedDevices: 0 }), [`${P}:edgeDeviceNames = ${JSON.stringify(bad)}: allowed: 2-32 lower-case letters, digits and hyphens, not starting or ending with a hyphen`], bad);
    }
  });

  test("a name listed twice is rejected once", () => {
    assert.deepEqual(rejected({ edgeDeviceNames: ["plant-a", "plant-b", "plant-a"], simulatedDevices: 0 }), [`${P}:edgeDeviceNames = "plant-a": listed twice; allowed: unique names`]);
  });

  test("edgeDeviceCount beside names: 1 or the same number is accepted, another number is rejected", () => {
    assert.deepEqual(accepted({ edgeDeviceNames: ["plant-a", "plant-b"], edgeDeviceCount: 2, simulatedDevices: 0 }).fleet.devices, ["plant-a", "plant-b"]);
    assert.deepEqual(rejected({ edgeDeviceNames: ["plant-a", "plant-b"], edgeDeviceCount: 3, simulatedDevices: 0 }), [`${P}:edgeDeviceCount = 3: edgeDeviceNames lists 2 devices; allowed: leave edgeDeviceCount at 1 or set it to 2`]);
  });

  test("at most 5000 names with registry; dps allows more", () => {
    assert.equal(accepted({ edgeDeviceNames: many(5000), simulatedDevices: 0 }).fleet.devices.length, 5000);
    assert.deepEqual(rejected({ edgeDeviceNames: many(5001), simulatedDevices: 0 }), [`${P}:edgeDeviceNames = "5001 names": allowed: at most 5000 devices with fleetProvisioning registry`]);
    assert.equal(accepted({ fleetProvisioning: "dps", edgeDeviceNames: many(5001), simulatedDevices: 0 }).fleet.devices.length, 5001);
  });

  test("generated names are three digits wide up to 999 devices", () => {
    const d = accepted({ edgeDeviceCount: 999 }).fleet.devices;
    assert.deepEqual([d[0], d[9], d[998]], ["edge-001", "edge-010", "edge-999"]);
  });
});

describe("simulated devices", () => {
  test("simulatedDeviceNames overrides simulatedDevices, even a count that would be an error on its own", () => {
    assert.deepEqual(accepted({ edgeDeviceNames: ["plant-a", "plant-b"], simulatedDeviceNames: ["plant-b"], simulatedDevices: 1 }).fleet.simulated, ["plant-b"]);
    assert.deepEqual(accepted({ edgeDeviceCount: 3, simulatedDeviceNames: ["edge-003"], simulatedDevices: 3 }).fleet.simulated, ["edge-003"]);
  });

  test("a name listed twice is rejected", () => {
    assert.deepEqual(rejected({ edgeDeviceNames: ["plant-a", "plant-b"], simulatedDeviceNames: ["plant-a", "plant-a"] }), [`${P}:simulatedDeviceNames = "plant-a": listed twice; allowed: unique names`]);
  });

  test("an unknown name lists at most ten device names, then an ellipsis", () => {
    assert.deepEqual(rejected({ edgeDeviceCount: 10, simulatedDeviceNames: ["plant-x"] }), [`${P}:simulatedDeviceNames = "plant-x": not an edge device; allowed: names from the device list (edge-001, edge-002, edge-003, edge-004, edge-005, edge-006, edge-007, edge-008, edge-009, edge-010)`]);
    assert.deepEqual(rejected({ edgeDeviceCount: 11, simulatedDeviceNames: ["plant-x"] }), [`${P}:simulatedDeviceNames = "plant-x": not an edge device; allowed: names from the device list (edge-001, edge-002, edge-003, edge-004, edge-005, edge-006, edge-007, edge-008, edge-009, edge-010, ...)`]);
  });

  test("ten names are accepted", () => {
    const names = Array.from({ length: 10 }, (_, i) => `plant-${i}`);
    assert.deepEqual(accepted({ edgeDeviceNames: names, simulatedDeviceNames: names }).fleet.simulated, names);
  });

  test("as many simulated devices as devices is accepted, one more is rejected", () => {
    assert.deepEqual(accepted({ edgeDeviceCount: 3, simulatedDevices: 3 }).fleet.simulated, ["edge-001", "edge-002", "edge-003"]);
    assert.deepEqual(rejected({ edgeDeviceCount: 3, simulatedDevices: 4 }), [`${P}:simulatedDevices = 4: only 3 edge device(s) are configured; allowed: 0 to 3`]);
  });

  test("a VM count with hand-written names: the message shows the set command with the first name", () => {
    assert.deepEqual(rejected({ edgeDeviceNames: ["plant-a", "plant-b"], simulatedDevices: 2 }), [`${P}:simulatedDevices = 2: with edgeDeviceNames the VMs are chosen by name; allowed: 0, or set simulatedDeviceNames (e.g. pulumi config set --path 'simulatedDeviceNames[0]' plant-a) and leave simulatedDevices unset`]);
  });
});

describe("alerts", () => {
  test("e-mail addresses are kept; anything else is rejected", () => {
    assert.deepEqual(accepted({ alertEmails: ["secops@example.com", "a.b@c.d.e"] }).alerts.emails, ["secops@example.com", "a.b@c.d.e"]);
    for (const bad of ["secops-at-example", "a@b", "@b.c", "a@.c", "a b@c.d", "a@b.c d", "a@@b.c"]) {
      assert.deepEqual(rejected({ alertEmails: [bad] }), [`${P}:alertEmails = ${JSON.stringify(bad)}: allowed: e-mail addresses such as secops@example.com`], bad);
    }
  });

  test("no address warns that nobody is notified, with the set command", () => {
    const r = validateConfig({}, "dev");
    assert.ok(r.ok);
    assert.deepEqual(r.warnings, [`${P}:alertEmails = []: alerts fire but notify nobody (see Monitor > Alerts); add one with pulumi config set --path 'alertEmails[0]' you@example.com (offline plan: npm run plan -- --stack <stack> --set 'alertEmails[0]=you@example.com').`]);
  });

  test("evaluation frequency: each allowed value is kept, anything else lists them", () => {
    for (const f of ["PT5M", "PT10M", "PT15M", "PT30M", "PT1H"]) assert.equal(accepted({ alertEvaluationFrequency: f }).alerts.evaluationFrequency, f);
    assert.deepEqual(rejected({ alertEvaluationFrequency: "PT1M" }), [`${P}:alertEvaluationFrequency = "PT1M": allowed: PT5M, PT10M, PT15M, PT30M, PT1H`]);
    assert.deepEqual(accepted({}).alerts, { emails: [], severity: 2, evaluationFrequency: "PT15M", sshFailureThreshold: 10 });
  });
});

describe("expiry", () => {
  test("a trial date is kept with its cap; no date means none", () => {
    assert.deepEqual(accepted({ expiresOn: "2026-12-31", workspaceDailyCapGb: "0.5" }).lifecycle, { expiresOn: "2026-12-31", resourceGroupLock: false, protect: false });
    assert.equal(accepted({}).lifecycle.expiresOn, undefined);
  });

  test("a trial without a cap is rejected whole, and a bad date as well", () => {
    const cap = `${P}:workspaceDailyCapGb = "": a trial stack (expiresOn is set) must cap workspace ingestion; allowed: a number of GB above 0, e.g. 0.5`;
    assert.deepEqual(rejected({ expiresOn: "2026-12-31" }), [cap]);
    assert.deepEqual(rejected({ expiresOn: "31.12.2026" }), [`${P}:expiresOn = "31.12.2026": allowed: empty, or a calendar date YYYY-MM-DD`, cap]);
  });

  test("a date before today warns, today itself and later do not", () => {
    const set = { expiresOn: "2026-11-28", workspaceDailyCapGb: "1" };
    assert.equal(warningsOf(set, "dev", { today: "2026-11-29" }).length, 1);
    assert.deepEqual(warningsOf(set, "dev", { today: "2026-11-28" }), []);
    assert.deepEqual(warningsOf(set, "dev", { today: "2026-11-27" }), []);
  });
});

describe("extraTags", () => {
  test("key=value entries become tags; the value may be empty or contain =", () => {
    assert.deepEqual(accepted({ extraTags: ["owner=me", "note=a=b", "empty=", `${"k".repeat(512)}=${"v".repeat(256)}`] }).extraTags, { owner: "me", note: "a=b", empty: "", ["k".repeat(512)]: "v".repeat(256) });
    assert.deepEqual(accepted({}).extraTags, {});
  });

  test("no key, a forbidden character, a key over 512 or a value over 256 characters is rejected", () => {
    for (const bad of ["=x", "novalue", "a<b=1", "a>b=1", "a%b=1", "a&b=1", "a\\b=1", "a?b=1", "a/b=1", `${"k".repeat(513)}=v`, `k=${"v".repeat(257)}`]) {
      assert.deepEqual(rejected({ extraTags: [bad] }), [`${P}:extraTags = ${JSON.stringify(bad)}: allowed: key=value, key without < > % & \\ ? / and at most 512 characters, value at most 256`], bad);
    }
  });

  test("each tag the program sets is refused by name", () => {
    for (const key of ["stage", "project", "managed-by", "expiresOn"]) {
      assert.deepEqual(rejected({ extraTags: [`${key}=x`] }), [`${P}:extraTags = "${key}=x": the program sets ${key} itself; allowed: any other key`]);
    }
  });
});

describe("stack names and keys", () => {
  test("a stage is 2-12 lower-case letters and digits starting with a letter", () => {
    for (const good of ["ab", "a1", "abcdefghijkl"]) assert.equal(accepted({}, good).stage, good);
    for (const bad of ["a", "abcdefghijklm", "1ab", "Ab", "ab-1", "ab_1", "xab!", "ab "]) {
      const errors = rejected({}, bad);
      assert.deepEqual(errors, [`stack name ${JSON.stringify(bad)}: it becomes the stage in resource names; allowed: 2-12 lower-case letters and digits, starting with a letter`], bad);
    }
  });

  test("unknown keys of the project are reported in sorted order, with or without a suggestion; other namespaces and bare keys are not checked", () => {
    const allowedKeys = Object.keys(CONFIG_SPEC).join(", ");
    const r = validateConfig({ [`${P}:zebra`]: "1", [`${P}:hubUnit`]: "2", "azure-native:location": "westeurope", colour: "red" }, "dev");
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual(r.errors, [
      `${P}:hubUnit = "2": unknown key (did you mean hubUnits?); allowed keys: ${allowedKeys}`,
      `${P}:zebra = "1": unknown key (a typo?); allowed keys: ${allowedKeys}`,
    ]);
  });

  test("a key given without the project namespace is read; the namespaced one wins when both are given", () => {
    const bare = validateConfig({ hubSku: "S2" }, "dev");
    assert.ok(bare.ok);
    assert.equal(bare.config.hub.sku, "S2");
    const both = validateConfig({ hubSku: "S2", [`${P}:hubSku`]: "S3" }, "dev");
    assert.ok(both.ok);
    assert.equal(both.config.hub.sku, "S3");
  });

  test("every key's default is used when the key is absent", () => {
    const c = accepted({}, "qa");
    assert.equal(c.project, "secure-iot-edge");
    assert.equal(c.stage, "qa");
    assert.deepEqual(c.vm, { size: "Standard_B2s", image: "ubuntu-22.04", imageVersion: "latest", adminUsername: "edgeadmin", autoShutdown: { time: "1900", timeZone: "UTC" } });
    assert.deepEqual(c.edge, { version: "1.6", deviceAuth: "x509", storeAndForwardTtlSecs: 7200, deploymentMode: "at-scale", deploymentPriority: 10, earlyRenewalHours: 720 });
    assert.deepEqual(c.agent, {
      mode: "defender-for-servers", classicImageTag: "1.0.2", highPriorityMessageFrequency: "PT7M", lowPriorityMessageFrequency: "PT5H", snapshotFrequency: "PT13H",
      maxMessageSizeInBytes: 204800, maxLocalCacheSizeInBytes: 2560000, eventPriorities: {}, microAgentIntervalsMinutes: { high: 30, medium: 120, low: 1440 },
      microAgentMessageSizeBytes: 204800, debugLogging: false, echoModule: false,
    });
    assert.deepEqual(c.lifecycle, { expiresOn: undefined, resourceGroupLock: false, protect: false });
  });
});

describe("error text", () => {
  test("formatErrors counts the errors, singular and plural, and lists each", () => {
    assert.equal(formatErrors(["a"]), "1 configuration error; nothing was declared:\n  - a");
    assert.equal(formatErrors(["a", "b"]), "2 configuration errors; nothing was declared:\n  - a\n  - b");
  });

  test("ConfigError carries the errors and the formatted message", () => {
    const e = new ConfigError(["x", "y"]);
    assert.equal(e.name, "ConfigError");
    assert.deepEqual(e.errors, ["x", "y"]);
    assert.equal(e.message, "2 configuration errors; nothing was declared:\n  - x\n  - y");
    assert.ok(e instanceof Error);
  });
});

describe("message budget messages", () => {
  test("at 80 % of the quota the warning names the hub's units and is the only warning", () => {
    const w = warningsOf({ edgeDeviceCount: 29, simulatedDevices: 0, securityAgent: "classic-module" });
    assert.equal(w.length, 1);
    assert.match(w[0], /^secure-iot-edge:hubUnits = "1": 29 device\(s\) send 321,204 metered messages a day/);
  });

  test("over quota on S2, the units needed are counted in S2 units", () => {
    const errors = rejected({ hubSku: "S2", hubUnits: 1, edgeDeviceCount: 1000, simulatedDevices: 0, securityAgent: "classic-module" });
    assert.equal(errors.length, 1);
    assert.match(errors[0], /^secure-iot-edge:hubUnits = "1": .*; allowed: at least 2 unit\(s\) of S2 \(pulumi config set hubUnits 2 \(offline plan: npm run plan -- --stack <stack> --set hubUnits=2\)\), a larger hubSku, fewer edge devices, or less frequent agent messages$/);
  });
});

describe("CONFIG_SPEC is what `pulumi config` shows", () => {
  test("each key's type, default and description equal Pulumi.yaml's declaration of it", () => {
    const doc = parse(readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8")) as { config: Record<string, { type: string; default: unknown; description: string }> };
    assert.deepEqual(Object.keys(CONFIG_SPEC), Object.keys(doc.config));
    for (const [key, spec] of Object.entries(CONFIG_SPEC)) {
      const decl = doc.config[key];
      assert.deepEqual({ type: spec.type, default: spec.default, description: spec.description }, { type: decl.type, default: decl.default, description: decl.description }, key);
    }
  });

  test("the limits the descriptions state are the ones validation applies", () => {
    assert.match(CONFIG_SPEC.hubUnits.description, /1 for F1; 1-200 for S1 and S2; 1-10 for S3/);
    assert.match(CONFIG_SPEC.bastionScaleUnits.description, /2-50; Standard and Premium only/);
    assert.match(CONFIG_SPEC.workspaceRetentionDays.description, /30-730/);
    assert.match(CONFIG_SPEC.edgeDeviceCount.description, /1-5000 with fleetProvisioning registry, 1-100000 with dps/);
  });
});

describe("a value that fails is not read further", () => {
  test("a malformed edge subnet or address space gives its own error only, whatever the Bastion SKU", () => {
    for (const sku of ["Developer", "Basic"]) {
      const edge = rejected({ bastionSku: sku, edgeSubnetPrefix: "nonsense" });
      assert.equal(edge.length, 1, edge.join("\n"));
      assert.match(edge[0], /^secure-iot-edge:edgeSubnetPrefix = "nonsense": .+; allowed: an IPv4 network in CIDR form$/);
      const space = rejected({ bastionSku: sku, vnetAddressSpace: "nonsense" });
      assert.equal(space.length, 1, space.join("\n"));
      assert.match(space[0], /^secure-iot-edge:vnetAddressSpace = "nonsense": /);
    }
  });

  test("a Basic hub tier checks the units against S1's range", () => {
    assert.deepEqual(rejected({ hubSku: "B1", hubUnits: 201 }), [
      `${P}:hubSku = "B1": Basic tiers have no device twins, which IoT Edge and Defender for IoT need; allowed: F1, S1, S2, S3`,
      `${P}:hubUnits = "201": allowed for S1: a whole number from 1 to 200`,
    ]);
  });

  test("a debug switch that is neither true nor false counts as false: only its own error, none about the agent mode", () => {
    for (const key of ["agentDebugLogging", "echoModule"]) assert.deepEqual(rejected({ [key]: "yes" }), [`${P}:${key} = "yes": allowed: true or false`]);
  });
});

describe("reserved admin names", () => {
  test("every name on Azure's reserved list is refused, and a name that merely contains one is not", () => {
    const reserved = [
      "1", "123", "a", "actuser", "adm", "admin", "admin1", "admin2", "administrator", "aspnet",
      "backup", "console", "david", "guest", "john", "owner", "root", "server", "sql", "support",
      "support_388945a0", "sys", "test", "test1", "test2", "test3", "user", "user1", "user2", "user3",
      "user4", "user5",
    ];
    for (const name of reserved) {
      assert.deepEqual(rejected({ adminUsername: name }), [`${P}:adminUsername = ${JSON.stringify(name)}: Azure reserves this name; allowed: any other Linux user name, e.g. edgeadmin`], name);
    }
    for (const name of ["rootuser", "admins", "user6", "edgeadmin"]) assert.equal(accepted({ adminUsername: name }).vm.adminUsername, name);
  });
});

describe("end-of-support warnings name the mode", () => {
  test("the micro agent's warning is kept beside its error and has no classic-module note; the classic module's has it", () => {
    const micro = validateConfig(stackFileToRaw({ securityAgent: "micro-agent", alertEmails: ["a@example.com"] }), "dev", { today: "2026-11-29" });
    assert.equal(micro.ok, false);
    assert.deepEqual(micro.warnings, [`${P}:securityAgent = "micro-agent": Microsoft ends support for securityAgent micro-agent on 2027-06-01, within a year (184 days from 2026-11-29); plan the switch to defender-for-servers`]);
    assert.deepEqual(warningsOf({ securityAgent: "classic-module" }, "dev", { today: "2026-11-29" }), [
      `${P}:securityAgent = "classic-module": Microsoft ended support for securityAgent classic-module on 2022-03-01; prefer defender-for-servers; the azureiotsecurity module is documented only with edgeHub 1.0.8.3 or older`,
    ]);
  });
});
