/**
 * The HostAuditLogs component, declared under the Pulumi mock engine in a minimal program: this
 * proves what it declares (agent, collection rule, associations), not that Azure collects anything.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { AUDIT_SYSLOG_FACILITY } from "../../lib/edge/cloudinit";
import { declareUnderMocks, MOCK_SUBSCRIPTION, MOCK_SUFFIX, type DeclaredResource, type DeclaredStack } from "../../lib/plan/mockEngine";
import { resourceNames } from "../../lib/config/naming";
import { COLLECTED_LEVELS, HostAuditLogs, type EdgeVmRef } from "../../components/hostLogs";

const RG = "rg-iotedge-test-a1b2c3";
const SUB = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${RG}/providers`;
const WORKSPACE_ID = `${SUB}/Microsoft.OperationalInsights/workspaces/log-iotedge-test-a1b2c3`;
const DCR_ID = `${SUB}/Microsoft.Insights/dataCollectionRules/dcr-iotedge-test-hostlogs`;
const PARENT = "secure-iot-edge:index:HostAuditLogs::hostlogs";
const vm = (key: string): EdgeVmRef => ({ key, name: `vm-${key}-test`, id: `${SUB}/Microsoft.Compute/virtualMachines/vm-${key}-test` });

const T = {
  dcr: "azure-native:monitor:DataCollectionRule",
  dcra: "azure-native:monitor:DataCollectionRuleAssociation",
  ext: "azure-native:compute:VirtualMachineExtension",
};
type Props = Record<string, unknown>;
const inputs = (r: DeclaredResource): Props => r.inputs as Props;
const ofType = (s: DeclaredStack, type: string) => s.resources.filter((r) => r.type === type);
function one(s: DeclaredStack, type: string): DeclaredResource {
  const found = ofType(s, type);
  assert.equal(found.length, 1, `exactly one ${type}`);
  return found[0];
}

function declareHostLogs(vms: EdgeVmRef[]): Promise<DeclaredStack> {
  return declareUnderMocks(() => {
    const logs = new HostAuditLogs("hostlogs", {
      resourceGroupName: RG,
      location: "westeurope",
      workspaceLocation: "northeurope",
      workspaceId: WORKSPACE_ID,
      names: pulumi.output(resourceNames("test", MOCK_SUFFIX)),
      vms,
      tags: { stage: "test" },
    });
    return { dcr: logs.dataCollectionRuleId };
  }, "test", {});
}

describe("host log facilities", () => {
  test("collect info level, at which sshd and audisp-syslog (args LOG_INFO) both log", () => {
    assert.ok(COLLECTED_LEVELS.includes("Info"));
    assert.ok(!COLLECTED_LEVELS.includes("Debug"));
  });
});

describe("HostAuditLogs with two VMs (mock engine: what the component declares)", () => {
  let s: DeclaredStack;
  before(async () => {
    s = await declareHostLogs([vm("edge-001"), vm("edge-002")]);
  });

  test("declares one Linux data collection rule beside the workspace", () => {
    const dcrs = ofType(s, T.dcr);
    assert.equal(dcrs.length, 1);
    const d = inputs(dcrs[0]);
    assert.equal(d.kind, "Linux");
    assert.equal(d.dataCollectionRuleName, "dcr-iotedge-test-hostlogs");
    assert.equal(d.location, "northeurope");
    assert.equal(dcrs[0].parent, PARENT);
  });

  test("declares a syslog source for the auth, authpriv and audit facilities on the Microsoft-Syslog stream", () => {
    const sources = ((inputs(one(s, T.dcr)).dataSources as Props).syslog) as Props[];
    assert.equal(sources.length, 1);
    assert.deepEqual(sources[0].facilityNames, ["auth", "authpriv", AUDIT_SYSLOG_FACILITY]);
    assert.deepEqual(sources[0].logLevels, COLLECTED_LEVELS);
    assert.deepEqual(sources[0].streams, ["Microsoft-Syslog"]);
  });

  test("declares the workspace as the only destination, fed by the syslog stream", () => {
    const d = inputs(one(s, T.dcr));
    const destinations = d.destinations as Props;
    assert.deepEqual(Object.keys(destinations), ["logAnalytics"]);
    assert.deepEqual(destinations.logAnalytics, [{ name: "workspace", workspaceResourceId: WORKSPACE_ID }]);
    assert.deepEqual(d.dataFlows, [{ streams: ["Microsoft-Syslog"], destinations: ["workspace"] }]);
  });

  test("declares the Azure Monitor Linux agent on each VM, upgrading itself", () => {
    const exts = ofType(s, T.ext);
    assert.deepEqual(exts.map((e) => inputs(e).vmName).sort(), ["vm-edge-001-test", "vm-edge-002-test"]);
    for (const e of exts) {
      const p = inputs(e);
      assert.equal(p.publisher, "Microsoft.Azure.Monitor");
      assert.equal(p.type, "AzureMonitorLinuxAgent");
      assert.equal(p.typeHandlerVersion, "1.0");
      assert.equal(p.autoUpgradeMinorVersion, true);
      assert.equal(p.enableAutomaticUpgrade, true);
      assert.equal(p.resourceGroupName, RG);
      assert.equal(p.location, "westeurope");
      assert.equal(e.parent, PARENT);
    }
  });

  test("declares one association per VM, linking the VM to the rule", () => {
    const links = ofType(s, T.dcra).map(inputs);
    assert.deepEqual(links.map((l) => l.resourceUri).sort(), [vm("edge-001").id, vm("edge-002").id]);
    for (const l of links) assert.equal(l.dataCollectionRuleId, DCR_ID);
  });
});

describe("HostAuditLogs without VMs (mock engine)", () => {
  test("declares the rule but no agent and no association", async () => {
    const s = await declareHostLogs([]);
    assert.equal(ofType(s, T.dcr).length, 1);
    assert.equal(ofType(s, T.ext).length, 0);
    assert.equal(ofType(s, T.dcra).length, 0);
  });
});
