/**
 * GIVEN the dev and prod stack files, WHEN the program runs under the Pulumi mock engine,
 * THEN it declares the foundation resources with the properties the issue asks for.
 * (Mock engine: this proves what the program declares, not what Azure does with it.)
 */
import { describe, test, before } from "node:test";
import * as assert from "node:assert/strict";
import { declareStack, declareStackFresh, declaresInWorker, ofType, one, stackFileConfig } from "../helpers/stacks";
import { declareUnderMocks, revealSecrets, type DeclaredStack, type DeclaredResource } from "../../lib/plan/mockEngine";
import main from "../../index";
import { internetInboundAllows } from "../../lib/network/nsgRules";
import { RECOMMENDATION_TYPES } from "../../lib/config/config";

const T = {
  rg: "azure-native:resources:ResourceGroup",
  ws: "azure-native:operationalinsights:Workspace",
  hub: "azure-native:iothub:IotHubResource",
  diag: "azure-native:monitor:DiagnosticSetting",
  sol: "azure-native:security:IotSecuritySolution",
  vnet: "azure-native:network:VirtualNetwork",
  subnet: "azure-native:network:Subnet",
  nsg: "azure-native:network:NetworkSecurityGroup",
  bastion: "azure-native:network:BastionHost",
  pip: "azure-native:network:PublicIPAddress",
  lock: "azure-native:authorization:ManagementLockAtResourceGroupLevel",
};

type Props = Record<string, unknown>;
const inputs = (r: DeclaredResource): Props => revealSecrets(r.inputs) as Props;
const id = (rg: string, arm: string, name: string) => `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${rg}/providers/${arm}/${name}`;

/** Resource types that accept tags in azure-native (children such as subnets and locks do not). */
const TAGGABLE = [T.rg, T.ws, T.hub, T.sol, T.vnet, T.nsg, T.bastion, T.pip,
  "azure-native:compute:VirtualMachine", "azure-native:network:NetworkInterface", "azure-native:monitor:ActionGroup",
  "azure-native:monitor:ScheduledQueryRule", "azure-native:monitor:DataCollectionRule", "azure-native:devtestlab:GlobalSchedule"];

for (const stage of ["dev", "prod"] as const) {
  describe(`${stage} stack (mock engine: what the program declares)`, () => {
    let s: DeclaredStack;
    before(async () => {
      s = await declareStack(stage);
    });

    test("declares one resource group named rg-iotedge-<stage>-<suffix> in the hub region", () => {
      const rg = inputs(one(s.resources, T.rg));
      assert.equal(rg.resourceGroupName, `rg-iotedge-${stage}-a1b2c3`);
      assert.equal(rg.location, "westeurope");
    });

    test("declares a PerGB2018 workspace with the stage's retention and cap", () => {
      const ws = inputs(one(s.resources, T.ws));
      assert.deepEqual(ws.sku, { name: "PerGB2018" });
      assert.equal(ws.workspaceName, `log-iotedge-${stage}-a1b2c3`);
      if (stage === "dev") {
        assert.equal(ws.retentionInDays, 30);
        assert.deepEqual(ws.workspaceCapping, { dailyQuotaGb: 1 });
      } else {
        assert.equal(ws.retentionInDays, 90);
        assert.equal(ws.workspaceCapping, undefined);
      }
    });

    test("declares an IoT Hub that requires TLS 1.2 and keeps the fallback route", () => {
      const hub = inputs(one(s.resources, T.hub));
      const props = hub.properties as Props;
      assert.equal(props.minTlsVersion, "1.2");
      assert.deepEqual(hub.sku, { name: "S1", capacity: stage === "dev" ? 1 : 2 });
      const fallback = (props.routing as Props).fallbackRoute as Props;
      assert.equal(fallback.isEnabled, true);
      assert.deepEqual(fallback.endpointNames, ["events"]);
    });

    test("sends all hub logs and metrics to the workspace", () => {
      const d = inputs(one(s.resources, T.diag));
      assert.deepEqual(d.logs, [{ categoryGroup: "allLogs", enabled: true }]);
      assert.deepEqual(d.metrics, [{ category: "AllMetrics", enabled: true }]);
      const rg = `rg-iotedge-${stage}-a1b2c3`;
      assert.equal(d.resourceUri, id(rg, "Microsoft.Devices/IotHubs", `iot-iotedge-${stage}-a1b2c3`));
      assert.equal(d.workspaceId, id(rg, "Microsoft.OperationalInsights/workspaces", `log-iotedge-${stage}-a1b2c3`));
    });

    test("declares the Defender for IoT solution joining that hub and that workspace", () => {
      const sol = inputs(one(s.resources, T.sol));
      const rg = `rg-iotedge-${stage}-a1b2c3`;
      assert.deepEqual(sol.iotHubs, [id(rg, "Microsoft.Devices/IotHubs", `iot-iotedge-${stage}-a1b2c3`)]);
      assert.equal(sol.workspace, id(rg, "Microsoft.OperationalInsights/workspaces", `log-iotedge-${stage}-a1b2c3`));
      assert.equal(sol.status, "Enabled");
      assert.deepEqual(sol.export, ["RawEvents"]);
      assert.equal(sol.unmaskedIpLoggingStatus, "Disabled");
      const recs = sol.recommendationsConfiguration as { recommendationType: string; status: string }[];
      assert.deepEqual(recs.map((r) => r.recommendationType), [...RECOMMENDATION_TYPES]);
      assert.ok(recs.every((r) => r.status === "Enabled"));
    });

    test("no NSG rule allows inbound traffic from the internet", () => {
      const nsgs = ofType(s.resources, T.nsg);
      assert.ok(nsgs.length >= 1);
      for (const n of nsgs) {
        const rules = (inputs(n).securityRules ?? []) as Props[];
        assert.deepEqual(internetInboundAllows(rules), []);
        assert.ok(rules.some((r) => r.access === "Deny" && r.direction === "Inbound" && r.sourceAddressPrefix === "Internet"), "an explicit deny of internet inbound");
      }
    });

    test("allows SSH into the edge subnet only from Bastion", () => {
      const rules = inputs(one(s.resources, T.nsg)).securityRules as Props[];
      const ssh = rules.filter((r) => r.access === "Allow" && r.direction === "Inbound");
      assert.equal(ssh.length, 1);
      assert.equal(ssh[0].destinationPortRange, "22");
      assert.equal(ssh[0].sourceAddressPrefix, stage === "dev" ? "168.63.129.16" : "10.60.255.0/26");
      const edge = ofType(s.resources, T.subnet).map(inputs).find((x) => x.subnetName === `snet-edge-${stage}`);
      assert.ok(edge, "edge subnet declared");
      assert.match(String((edge.networkSecurityGroup as Props).id), /networkSecurityGroups\/nsg-edge-/);
    });

    test("tags every taggable resource with stage, project and managed-by", () => {
      const taggable = s.resources.filter((r) => TAGGABLE.includes(r.type));
      assert.ok(taggable.length >= 6);
      for (const r of taggable) {
        const tags = inputs(r).tags as Record<string, string>;
        assert.equal(tags?.stage, stage, `${r.type} ${r.name}`);
        assert.equal(tags.project, "secure-iot-edge");
        assert.equal(tags["managed-by"], "pulumi");
      }
    });

    test("every Azure resource is a child of a component", () => {
      for (const r of s.resources.filter((x) => x.type.startsWith("azure-native:"))) {
        assert.match(r.parent ?? "", /^secure-iot-edge:index:/, `${r.type} ${r.name}`);
      }
    });

    test("exports what a user needs next", () => {
      const o = s.outputs;
      assert.equal(o.resourceGroup, `rg-iotedge-${stage}-a1b2c3`);
      assert.equal(o.hubHostName, `iot-iotedge-${stage}-a1b2c3.azure-devices.net`);
      assert.equal(o.bastionName, `bas-iotedge-${stage}`);
      assert.match(String(o.securitySolutionId), /iotSecuritySolutions/);
      assert.match(String((o.portal as Props).hub), /^https:\/\/portal\.azure\.com\//);
    });
  });
}

describe("Bastion per SKU (mock engine)", () => {
  test("dev declares Bastion Developer on the VNet with no public IP and no AzureBastionSubnet", async () => {
    const s = await declareStack("dev");
    const b = inputs(one(s.resources, T.bastion));
    assert.deepEqual(b.sku, { name: "Developer" });
    assert.match(String((b.virtualNetwork as Props).id), /virtualNetworks\/vnet-iotedge-dev$/);
    assert.equal(b.ipConfigurations, undefined);
    assert.equal(ofType(s.resources, T.pip).length, 0);
    assert.ok(!ofType(s.resources, T.subnet).some((x) => inputs(x).subnetName === "AzureBastionSubnet"));
  });

  test("prod declares Bastion Standard with tunneling, a /26 AzureBastionSubnet and a Standard static IP", async () => {
    const s = await declareStack("prod");
    const b = inputs(one(s.resources, T.bastion));
    assert.deepEqual(b.sku, { name: "Standard" });
    assert.equal(b.enableTunneling, true);
    assert.equal(b.scaleUnits, 2);
    const sub = ofType(s.resources, T.subnet).map(inputs).find((x) => x.subnetName === "AzureBastionSubnet");
    assert.equal(sub?.addressPrefix, "10.60.255.0/26");
    const pip = inputs(one(s.resources, T.pip));
    assert.deepEqual(pip.sku, { name: "Standard", tier: "Regional" });
    assert.equal(pip.publicIPAllocationMethod, "Static");
  });

  test("Basic declares a public IP and subnet but no tunneling", async () => {
    const s = await declareStack("dev", { bastionSku: "Basic" });
    const b = inputs(one(s.resources, T.bastion));
    assert.deepEqual(b.sku, { name: "Basic" });
    assert.equal(b.enableTunneling, false);
    assert.equal(ofType(s.resources, T.pip).length, 1);
  });
});

/**
 * The resources keyed by parent, type and name, in key order. Registration order follows the
 * timing of asynchronous work (the engine orders operations by dependency, not by registration),
 * so two declarations are compared resource by resource; the keys are checked to be unique.
 */
function byKey(x: DeclaredStack): [string, DeclaredResource][] {
  const entries = x.resources.map((r): [string, DeclaredResource] => [`${r.parent ?? ""}|${r.type}::${r.name}`, r]);
  assert.equal(new Set(entries.map(([k]) => k)).size, entries.length, "each resource has its own parent, type and name");
  return entries.sort(([a], [b]) => (a < b ? -1 : 1));
}

describe("locks and determinism (mock engine)", () => {
  test("prod declares a CanNotDelete lock on its resource group; dev declares none", async () => {
    const prod = await declareStack("prod");
    assert.equal(inputs(one(prod.resources, T.lock)).level, "CanNotDelete");
    const dev = await declareStack("dev");
    assert.equal(ofType(dev.resources, T.lock).length, 0);
  });

  test("the same config declares byte-identical inputs on every run", async () => {
    const a = await declareStackFresh("prod");
    const b = await declareStackFresh("prod");
    const inputsText = (x: DeclaredStack) => JSON.stringify(byKey(x).map(([k, r]) => [k, r.inputs]));
    assert.equal(inputsText(b), inputsText(a));
  });

  test("the test helpers' worker thread declares exactly what the program declares in the test's own thread", async (t) => {
    if (!declaresInWorker()) return t.skip("DECLARE_STACKS_IN_THREAD=1: every declaration is made in this thread, so there is nothing to compare");
    const inWorker = await declareStackFresh("prod");
    const here = await declareUnderMocks(main, "prod", stackFileConfig("prod"));
    const text = (x: DeclaredStack) => JSON.stringify([byKey(x), x.outputs, x.secretOutputs, x.warnings]);
    assert.equal(text(inWorker), text(here));
    // Dynamic providers are serialized in both, and to the same code.
    const provider = (x: DeclaredStack) => byKey(x).find(([, r]) => r.type === "pulumi-nodejs:dynamic:Resource")?.[1].inputs.__provider;
    assert.equal(typeof provider(here), "string");
    assert.equal(provider(inWorker), provider(here));
  });

  test("config warnings reach the user through pulumi.log.warn while resources are declared", async () => {
    const s = await declareStack("dev", { iotEdgeVersion: "1.5" });
    assert.ok(s.warnings.some((w) => w.startsWith('secure-iot-edge:iotEdgeVersion = "1.5": IoT Edge 1.5 LTS support ended')), JSON.stringify(s.warnings));
    assert.ok(s.resources.length > 10);
  });

  test("expiresOn is tagged on every taggable resource when set", async () => {
    const s = await declareStack("dev", { expiresOn: "2026-12-31" });
    const taggable = s.resources.filter((r) => TAGGABLE.includes(r.type));
    for (const r of taggable) assert.equal((inputs(r).tags as Record<string, string>).expiresOn, "2026-12-31", r.type);
  });
});
