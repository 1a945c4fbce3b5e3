/**
 * Config validation: every bad value gets an error naming the key, the value and what is
 * allowed; all errors are reported together; and the program declares nothing (mock engine).
 */
import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { CONFIG_SPEC, validateConfig, type RawConfig } from "../../lib/config/config";
import main from "../../index";
import { declareUnderMocks, stackFileToRaw, type DeclaredResource } from "../../lib/plan/mockEngine";
import { declareStack, stackFileConfig, stackNames } from "../helpers/stacks";

interface BadCase {
  what: string;
  stack?: string;
  set: Record<string, unknown>;
  /** Fragments the error must contain: the key, the value, and what is allowed. */
  key: string;
  value: string;
  allowed: string;
}

const BAD: BadCase[] = [
  { what: "hub region without Defender for IoT", set: { hubRegion: "westus3" }, key: "hubRegion", value: '"westus3"', allowed: "allowed: australiaeast, australiasoutheast" },
  { what: "workspace region without Defender for IoT", set: { workspaceRegion: "germanywestcentral" }, key: "workspaceRegion", value: '"germanywestcentral"', allowed: "allowed: empty (the hub's region) or" },
  { what: "a Basic hub tier", set: { hubSku: "B1" }, key: "hubSku", value: '"B1"', allowed: "Basic tiers have no device twins" },
  { what: "an unknown hub tier", set: { hubSku: "S4" }, key: "hubSku", value: '"S4"', allowed: "allowed: F1, S1, S2, S3" },
  { what: "F1 with two units", set: { hubSku: "F1", hubUnits: 2 }, key: "hubUnits", value: '"2"', allowed: "allowed for F1: a whole number from 1 to 1" },
  { what: "S3 with eleven units", set: { hubSku: "S3", hubUnits: 11 }, key: "hubUnits", value: '"11"', allowed: "allowed for S3: a whole number from 1 to 10" },
  { what: "an unknown data-plane auth mode", set: { dataPlaneAuth: "iothubowner" }, key: "dataPlaneAuth", value: '"iothubowner"', allowed: "allowed: sas, entra" },
  { what: "a data-plane retry budget of 0 minutes", set: { dataPlaneRetryMinutes: 0 }, key: "dataPlaneRetryMinutes", value: '"0"', allowed: "from 1 to 120" },
  { what: "a data-plane retry budget over 2 hours", set: { dataPlaneRetryMinutes: 121 }, key: "dataPlaneRetryMinutes", value: '"121"', allowed: "from 1 to 120" },
  { what: "retention under 30 days", set: { workspaceRetentionDays: 7 }, key: "workspaceRetentionDays", value: '"7"', allowed: "from 30 to 730" },
  { what: "a negative daily cap", set: { workspaceDailyCapGb: "-1" }, key: "workspaceDailyCapGb", value: '"-1"', allowed: "allowed: empty (no cap) or a number of GB above 0" },
  { what: "an unknown Bastion SKU", set: { bastionSku: "Free" }, key: "bastionSku", value: '"Free"', allowed: "allowed: Developer, Basic, Standard, Premium" },
  { what: "a /27 Bastion subnet for Basic", set: { bastionSku: "Basic", bastionSubnetPrefix: "10.50.255.0/27" }, key: "bastionSubnetPrefix", value: '"10.50.255.0/27"', allowed: "needs an AzureBastionSubnet of /26 or larger" },
  { what: "an edge subnet outside the VNet", set: { edgeSubnetPrefix: "10.99.1.0/24" }, key: "edgeSubnetPrefix", value: '"10.99.1.0/24"', allowed: "allowed: a subnet inside vnetAddressSpace 10.50.0.0/16" },
  { what: "a Bastion subnet overlapping the edge subnet", set: { bastionSku: "Standard", bastionSubnetPrefix: "10.50.1.0/26" }, key: "bastionSubnetPrefix", value: '"10.50.1.0/26"', allowed: "overlaps edgeSubnetPrefix 10.50.1.0/24" },
  { what: "an address space with host bits", set: { vnetAddressSpace: "10.50.0.1/16" }, key: "vnetAddressSpace", value: '"10.50.0.1/16"', allowed: "host bits are set" },
  { what: "a malformed CIDR", set: { vnetAddressSpace: "10.50.0.0/33" }, key: "vnetAddressSpace", value: '"10.50.0.0/33"', allowed: "allowed: an IPv4 network in CIDR form" },
  { what: "a reserved admin name", set: { adminUsername: "admin" }, key: "adminUsername", value: '"admin"', allowed: "Azure reserves this name" },
  { what: "an admin name with a space", set: { adminUsername: "Edge User" }, key: "adminUsername", value: '"Edge User"', allowed: "lower-case letters, digits" },
  { what: "a bad alert e-mail", set: { alertEmails: ["secops-at-example"] }, key: "alertEmails", value: '"secops-at-example"', allowed: "allowed: e-mail addresses" },
  { what: "an impossible expiry date", set: { expiresOn: "2026-02-30", workspaceDailyCapGb: "0.5" }, key: "expiresOn", value: '"2026-02-30"', allowed: "a calendar date YYYY-MM-DD" },
  { what: "a trial without a daily cap", stack: "prod", set: { expiresOn: "2026-12-31" }, key: "workspaceDailyCapGb", value: '""', allowed: "must cap workspace ingestion" },
  { what: "a tag that overrides a managed tag", set: { extraTags: ["stage=other"] }, key: "extraTags", value: '"stage=other"', allowed: "the program sets stage itself" },
  { what: "a misspelt key", set: { hubSkew: "S1" }, key: "hubSkew", value: '"S1"', allowed: "unknown key (did you mean hubSku?)" },
  { what: "an unsupported image", set: { vmImage: "ubuntu-20.04" }, key: "vmImage", value: '"ubuntu-20.04"', allowed: "allowed: ubuntu-22.04, ubuntu-24.04" },
  { what: "scale units on Developer", set: { bastionScaleUnits: 4 }, key: "bastionScaleUnits", value: '"4"', allowed: "the Developer SKU has a fixed size" },
  { what: "the echo module without the classic module", set: { echoModule: true }, key: "echoModule", value: "true", allowed: "allowed: false, or securityAgent classic-module" },
  { what: "an impossible shutdown time", set: { autoShutdownTime: "2500" }, key: "autoShutdownTime", value: '"2500"', allowed: "HHMM on a 24-hour clock" },
  { what: "a simulated device name that is not a device", set: { edgeDeviceNames: ["plant-a", "plant-b"], simulatedDeviceNames: ["plant-c"] }, key: "simulatedDeviceNames", value: '"plant-c"', allowed: "not an edge device; allowed: names from the device list (plant-a, plant-b)" },
  { what: "a positional VM count with hand-written device names", set: { edgeDeviceNames: ["plant-a", "plant-b"], simulatedDevices: 1 }, key: "simulatedDevices", value: "1", allowed: "with edgeDeviceNames the VMs are chosen by name; allowed: 0, or set simulatedDeviceNames" },
  { what: "no early renewal", set: { earlyRenewalHours: 0 }, key: "earlyRenewalHours", value: '"0"', allowed: "a whole number from 1 to 8760" },
  { what: "an early renewal longer than a year", set: { earlyRenewalHours: 8761 }, key: "earlyRenewalHours", value: '"8761"', allowed: "a whole number from 1 to 8760" },
  { what: "an unknown recommendation type", set: { securityRecommendationsDisabled: ["IoT_Nope"] }, key: "securityRecommendationsDisabled", value: '"IoT_Nope"', allowed: "allowed: IoT_ACRAuthentication" },
  { what: "a frequency that is not an ISO 8601 duration", set: { agentHighPriorityFrequency: "7 minutes" }, key: "agentHighPriorityFrequency", value: '"7 minutes"', allowed: "an ISO 8601 duration" },
  { what: "more simulated devices than devices", set: { edgeDeviceCount: 2, simulatedDevices: 3 }, key: "simulatedDevices", value: "3", allowed: "allowed: 0 to 2" },
  { what: "a device name with upper case", set: { edgeDeviceNames: ["Edge_01"] }, key: "edgeDeviceNames", value: '"Edge_01"', allowed: "lower-case letters, digits and hyphens" },
  { what: "a message size over the agent's maximum", set: { agentMaxMessageSizeBytes: 300000 }, key: "agentMaxMessageSizeBytes", value: '"300000"', allowed: "from 8192 to 262144" },
];

function rawFor(c: BadCase): RawConfig {
  return { ...stackFileConfig(c.stack ?? "dev"), ...stackFileToRaw(c.set) };
}

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

describe("bad config declares nothing (mock engine)", () => {
  for (const c of BAD) {
    test(`declares no resource for ${c.what}`, async () => {
      const sink: DeclaredResource[] = [];
      await assert.rejects(
        () => declareUnderMocks(main, c.stack ?? "dev", rawFor(c), { sink }),
        (e: Error) => e.message.includes(`secure-iot-edge:${c.key}`) && e.message.includes("nothing was declared"),
      );
      assert.deepEqual(sink.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => r.type), []);
    });
  }

  test("a good config run through the same path does declare resources", async () => {
    const sink: DeclaredResource[] = [];
    await declareUnderMocks(main, "dev", stackFileConfig("dev"), { sink });
    assert.ok(sink.filter((r) => r.type !== "pulumi:pulumi:Stack").length > 5);
  });
});

describe("all errors are reported together", () => {
  test("three bad keys give three errors in one message", async () => {
    const raw = { ...stackFileConfig("dev"), ...stackFileToRaw({ hubSku: "B2", adminUsername: "root", workspaceRetentionDays: 1000 }) };
    const r = validateConfig(raw, "dev");
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.errors.length, 3);
    await assert.rejects(() => declareStack("dev", {}, raw), /3 configuration errors; nothing was declared:[\s\S]*hubSku[\s\S]*workspaceRetentionDays[\s\S]*adminUsername/);
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
