import { test } from "node:test";
import * as assert from "node:assert/strict";
import { connectHint, portalLink } from "../../lib/network/connect";
import { declareStack } from "../helpers/stacks";

const vmId = "/subscriptions/s/resourceGroups/rg-x/providers/Microsoft.Compute/virtualMachines/vm-edge-001-dev";

test("portal links open a resource's blade", () => {
  assert.equal(portalLink(vmId), `https://portal.azure.com/#@/resource${vmId}/overview`);
  assert.equal(portalLink(vmId, "logs"), `https://portal.azure.com/#@/resource${vmId}/logs`);
});

test("Standard and Premium Bastion get the native-client command; Developer and Basic the portal path", () => {
  const a = { bastionName: "bas-x", resourceGroup: "rg-x", vmId, adminUsername: "edgeadmin", deviceId: "edge-001" };
  assert.equal(connectHint({ ...a, bastionSku: "Standard" }), `az network bastion ssh --name bas-x --resource-group rg-x --target-resource-id ${vmId} --auth-type ssh-key --username edgeadmin --ssh-key edge-001.pem`);
  assert.match(connectHint({ ...a, bastionSku: "Premium" }), /^az network bastion ssh /);
  for (const sku of ["Developer", "Basic"]) assert.match(connectHint({ ...a, bastionSku: sku }), /^Portal: https:\/\/portal\.azure\.com\/.*vm-edge-001-dev\/overview > Connect > Bastion; user edgeadmin/);
});

test("each edge VM's stack output says how to connect to it (mock engine)", async () => {
  const prod = await declareStack("prod");
  const vms = prod.outputs.edgeVms as Record<string, { connect: string }>;
  assert.match(vms["edge-001"].connect, /^az network bastion ssh --name bas-iotedge-prod --resource-group rg-iotedge-prod-a1b2c3 --target-resource-id \/subscriptions\/.*\/vm-edge-001-prod /);
});
