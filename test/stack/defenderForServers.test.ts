/**
 * GIVEN the stack files, WHEN the real program runs under the Pulumi mock engine, THEN with
 * securityAgent defender-for-servers each edge VM gets Defender for Servers Plan 1 at its own
 * scope and the stack exports its Defender alerts to its workspace; other modes declare neither.
 * (Mock engine: this proves what the program declares, not what Defender for Cloud does.)
 */
import { describe, test, before } from "node:test";
import * as assert from "node:assert/strict";
import { declareStack, ofType, one } from "../helpers/stacks";
import { revealSecrets, type DeclaredResource, type DeclaredStack } from "../../lib/plan/mockEngine";

const T = {
  pricing: "azure-native:security:Pricing",
  automation: "azure-native:security:Automation",
  vm: "azure-native:compute:VirtualMachine",
  workspace: "azure-native:operationalinsights:Workspace",
  rg: "azure-native:resources:ResourceGroup",
};
type Props = Record<string, unknown>;
const inputs = (r: DeclaredResource): Props => revealSecrets(r.inputs) as Props;
const PARENT = "secure-iot-edge:index:DefenderForServers::defender-servers";
const vmId = (s: DeclaredStack, vmName: string) => `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${String(inputs(one(s.resources, T.rg)).resourceGroupName)}/providers/Microsoft.Compute/virtualMachines/${vmName}`;

describe("defender-for-servers in the dev stack (mock engine: what the program declares)", () => {
  let s: DeclaredStack;
  before(async () => {
    s = await declareStack("dev", { simulatedDevices: 2, edgeDeviceCount: 2 });
  });

  test("declares one Plan 1 pricing per edge VM, scoped to that VM", () => {
    const pricings = ofType(s.resources, T.pricing);
    assert.deepEqual(pricings.map((p) => p.name).sort(), ["defender-servers-edge-001", "defender-servers-edge-002"]);
    const vmNames = ofType(s.resources, T.vm).map((v) => String(inputs(v).vmName)).sort();
    assert.deepEqual(pricings.map((p) => inputs(p).scopeId).sort(), vmNames.map((n) => vmId(s, n)));
    for (const p of pricings) {
      const i = inputs(p);
      assert.equal(i.pricingName, "virtualMachines", p.name);
      assert.equal(i.pricingTier, "Standard", p.name);
      assert.equal(i.subPlan, "P1", p.name);
      assert.equal(p.parent, PARENT, p.name);
    }
  });

  test("declares one continuous export of the resource group's alerts into the stack's workspace", () => {
    const a = inputs(one(s.resources, T.automation));
    const rgName = String(inputs(one(s.resources, T.rg)).resourceGroupName);
    const workspaceName = String(inputs(one(s.resources, T.workspace)).workspaceName);
    assert.equal(a.automationName, "exp-iotedge-dev-defender-alerts");
    assert.equal(a.isEnabled, true);
    assert.deepEqual(a.scopes, [{ description: "the stack's resource group", scopePath: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${rgName}` }]);
    assert.deepEqual(a.sources, [{ eventSource: "Alerts" }]);
    assert.deepEqual(a.actions, [{ actionType: "Workspace", workspaceResourceId: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${rgName}/providers/Microsoft.OperationalInsights/workspaces/${workspaceName}` }]);
    assert.equal(a.location, "westeurope");
  });
});

describe("other modes and no VMs (mock engine)", () => {
  for (const mode of ["none", "classic-module"]) {
    test(`securityAgent ${mode} declares no Defender for Servers pricing and no export`, async () => {
      const s = await declareStack("dev", { securityAgent: mode });
      assert.equal(ofType(s.resources, T.pricing).length, 0);
      assert.equal(ofType(s.resources, T.automation).length, 0);
    });
  }

  test("defender-for-servers without simulated VMs declares nothing of it (no host to protect)", async () => {
    const s = await declareStack("dev", { simulatedDevices: 0 });
    assert.equal(ofType(s.resources, T.pricing).length, 0);
    assert.equal(ofType(s.resources, T.automation).length, 0);
  });
});
