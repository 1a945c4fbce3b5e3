import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { checkName, NAME_RULES, resourceNames, standardTags, type NameKind } from "../../lib/config/naming";

const stage = fc.stringMatching(/^[a-z][a-z0-9]{1,11}$/);
const suffix = fc.stringMatching(/^[a-z0-9]{6}$/);
const device = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,30}[a-z0-9]$/);

describe("resource names", () => {
  test("follow CAF prefixes with stage and suffix", () => {
    const n = resourceNames("dev", "a1b2c3");
    assert.equal(n.resourceGroup, "rg-iotedge-dev-a1b2c3");
    assert.equal(n.iotHub, "iot-iotedge-dev-a1b2c3");
    assert.equal(n.workspace, "log-iotedge-dev-a1b2c3");
    assert.equal(n.vnet, "vnet-iotedge-dev");
    assert.equal(n.edgeSubnet, "snet-edge-dev");
    assert.equal(n.nsg, "nsg-edge-dev");
    assert.equal(n.bastion, "bas-iotedge-dev");
    assert.equal(n.bastionPublicIp, "pip-bas-iotedge-dev");
    assert.equal(n.vm("edge-001"), "vm-edge-001-dev");
  });

  test("stay within every resource type's limits for any valid stage, suffix and device id", () => {
    fc.assert(fc.property(stage, suffix, device, (st, sx, d) => {
      const n = resourceNames(st, sx);
      n.vm(d);
      n.nic(d);
      n.osDisk(d);
      n.alertRule("ssh-brute-force");
      assert.ok(n.iotHub.length <= 50);
      assert.ok(n.actionGroupShort.length <= 12);
    }));
  });

  test("checkName rejects a name over its limit, naming the rule", () => {
    assert.throws(() => checkName("iotHub", `iot-${"x".repeat(60)}`), /breaks the iotHub naming rule \(at most 50 characters/);
    assert.throws(() => checkName("vm", "vm_with_underscore"), /breaks the vm naming rule/);
  });
});

describe("standard tags", () => {
  test("carry stage, project, managed-by and expiresOn when set, keys sorted", () => {
    const t = standardTags({ project: "p", stage: "trial", expiresOn: "2026-12-31", extra: { owner: "me", costCenter: "42" } });
    assert.deepEqual(Object.keys(t), ["costCenter", "expiresOn", "managed-by", "owner", "project", "stage"]);
    assert.equal(t["managed-by"], "pulumi");
    assert.equal(t.expiresOn, "2026-12-31");
  });

  test("omit expiresOn when not set", () => {
    assert.equal(standardTags({ project: "p", stage: "dev", extra: {} }).expiresOn, undefined);
  });
});

describe("every name of a stage", () => {
  test("each resource's name, whole", () => {
    const n = resourceNames("prod", "x9y8z7");
    const { vm, nic, osDisk, alertRule, ...fixed } = n;
    assert.deepEqual(fixed, {
      resourceGroup: "rg-iotedge-prod-x9y8z7",
      iotHub: "iot-iotedge-prod-x9y8z7",
      dps: "dps-iotedge-prod-x9y8z7",
      workspace: "log-iotedge-prod-x9y8z7",
      vnet: "vnet-iotedge-prod",
      edgeSubnet: "snet-edge-prod",
      bastionSubnet: "AzureBastionSubnet",
      nsg: "nsg-edge-prod",
      bastion: "bas-iotedge-prod",
      bastionPublicIp: "pip-bas-iotedge-prod",
      securitySolution: "defender-iot-iotedge-prod",
      securityExport: "exp-iotedge-prod-defender-alerts",
      actionGroup: "ag-iotedge-prod-security",
      actionGroupShort: "iotsecprod",
      dataCollectionRule: "dcr-iotedge-prod-hostlogs",
      lock: "lock-iotedge-prod-nodelete",
    });
    assert.equal(vm("edge-007"), "vm-edge-007-prod");
    assert.equal(nic("edge-007"), "nic-edge-007-prod");
    assert.equal(osDisk("edge-007"), "osdisk-edge-007-prod");
    assert.equal(alertRule("ssh-brute-force"), "alert-iotedge-prod-ssh-brute-force");
  });

  test("the action group's short name is cut to 12 characters", () => {
    assert.equal(resourceNames("abcdefghijkl", "a1b2c3").actionGroupShort, "iotsecabcdef");
    assert.equal(resourceNames("abcdef", "a1b2c3").actionGroupShort, "iotsecabcdef");
  });

  test("a name built from a bad part is refused when it is built", () => {
    const n = resourceNames("dev", "a1b2c3");
    assert.throws(() => n.vm("edge_1"), /^Error: resource name "vm-edge_1-dev" breaks the vm naming rule/);
    assert.throws(() => n.nic("edge 1"), /breaks the nic naming rule/);
    assert.throws(() => n.osDisk(`${"d".repeat(70)}`), /breaks the disk naming rule/);
    assert.throws(() => n.alertRule("a/b"), /breaks the alertRule naming rule/);
    assert.throws(() => resourceNames("dev", "a.b"), /breaks the iotHub naming rule/);
  });
});

describe("naming rules: each type's length limit, both sides, and its characters", () => {
  /** A valid name of exactly n characters for the kind (letters only fit every rule). */
  const ofLength = (n: number) => "a".repeat(n);
  const RULES: [kind: NameKind, max: number, good: string[], bad: string[]][] = [
    ["resourceGroup", 90, ["ab", "abc", "rg-a_b.(c)d", "(x)", "Rg-1"], ["a", "rg.", "rg x", "!rg-x", "rg-x.", "rg/x", ""]],
    ["iotHub", 50, ["ab", "abc", "Iot-Hub-1", "a-b"], ["a", "-ab", "ab-", "a_b", "a.b", "!ab", "ab!", ""]],
    ["dps", 64, ["ab", "abc", "Dps-1"], ["a", "-ab", "ab-", "a_b", "a.b", ""]],
    ["workspace", 63, ["ab", "abc", "Log-1"], ["a", "-ab", "ab-", "a_b", "a.b", ""]],
    ["vm", 64, ["ab", "abc", "Vm-1"], ["a", "-ab", "ab-", "a_b", "a.b", ""]],
    ["vnet", 64, ["ab", "abc", "A-b_c.d", "a_"], ["a", "_ab", "-ab", "ab.", "ab-", "a b", "!ab", ""]],
    ["subnet", 80, ["ab", "Snet-1.x_y"], ["a", "_ab", "ab.", "ab-", "a b", ""]],
    ["nsg", 80, ["ab", "Nsg-1.x_y"], ["a", "_ab", "ab.", "ab-", "a b", ""]],
    ["bastion", 80, ["ab", "Bas-1.x_y"], ["a", "_ab", "ab.", "ab-", "a b", ""]],
    ["publicIp", 80, ["ab", "Pip-1.x_y"], ["a", "_ab", "ab.", "ab-", "a b", ""]],
    ["nic", 80, ["ab", "Nic-1.x_y"], ["a", "_ab", "ab.", "ab-", "a b", ""]],
    ["disk", 80, ["ab", "Disk-1.x_y"], ["a", "_ab", "ab.", "ab-", "a b", ""]],
    ["securitySolution", 260, ["a", "A-b_c.d", "-x."], ["a b", "a/b", "!a", "a!", ""]],
    ["securityAutomation", 260, ["a", "A-b_c.d"], ["a b", "a/b", "!a", "a!", ""]],
    ["actionGroup", 260, ["a", "A-b_c.d"], ["a b", "a/b", "!a", "a!", ""]],
    ["lock", 90, ["a", "A-b_c.d"], ["a b", "a/b", "!a", "a!", ""]],
    ["actionGroupShort", 12, ["a", "Iot_sec-dev"], ["iot.sec", "iot sec", "!a", "a!", ""]],
    ["alertRule", 260, ["a", "alert-x y.z_(1)"], ["*", "a#", "a&", "a+", "a:", "a<", "a>", "a?", "a@", "a%", "a{", "a}", "a\\b", "a/b", ""]],
    ["dataCollectionRule", 64, ["D", "dcr-a_b.c.", "a-"], ["-dcr", "_dcr", ".dcr", "a b", "a!", ""]],
  ];

  test("the table covers every rule", () => {
    assert.deepEqual(RULES.map(([k]) => k).sort(), Object.keys(NAME_RULES).sort());
  });

  for (const [kind, max, good, bad] of RULES) {
    test(`${kind}: ${max} characters pass, ${max + 1} fail; names of the right form pass, others fail with the rule`, () => {
      assert.equal(NAME_RULES[kind].max, max);
      assert.equal(checkName(kind, ofLength(max)), ofLength(max));
      assert.throws(() => checkName(kind, ofLength(max + 1)), (e: Error) => e.message === `resource name "${ofLength(max + 1)}" breaks the ${kind} naming rule (at most ${max} characters, ${NAME_RULES[kind].pattern})`);
      for (const name of good) assert.equal(checkName(kind, name), name, `${kind} accepts ${name}`);
      for (const name of bad) assert.throws(() => checkName(kind, name), (e: Error) => e.message === `resource name ${JSON.stringify(name)} breaks the ${kind} naming rule (at most ${max} characters, ${NAME_RULES[kind].pattern})`, `${kind} refuses ${JSON.stringify(name)}`);
    });
  }
});

describe("standard tags: the program's own win", () => {
  test("extra tags cannot replace stage, project or managed-by; an empty expiresOn is left out", () => {
    assert.deepEqual(standardTags({ project: "p", stage: "dev", expiresOn: "", extra: { stage: "x", project: "y", "managed-by": "z", a: "1" } }), { a: "1", "managed-by": "pulumi", project: "p", stage: "dev" });
    assert.deepEqual(Object.keys(standardTags({ project: "p", stage: "dev", extra: { zz: "1", Z: "2", "a-b": "3", a: "4" } })), ["Z", "a", "a-b", "managed-by", "project", "stage", "zz"]);
  });
});
