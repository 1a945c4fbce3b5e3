import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { checkName, resourceNames, standardTags } from "../../lib/config/naming";

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
