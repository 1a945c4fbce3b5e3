/**
 * GIVEN an existing hub that does not have the program's policy yet (the first `up` after the
 * least-privilege change), WHEN the key lookup fails in preview, THEN the preview goes on with an
 * empty key; in the real update, which reads the key after the hub's update, the policy's key is
 * used. (Mock engine: what the program declares, not what Azure does.)
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { SecuredIotHub } from "../../components/iotHub";

async function dataPlaneKeyUnder(preview: boolean, lookupFails: boolean): Promise<{ value?: string; error?: string }> {
  await pulumi.runtime.setMocks({
    newResource: (a) => ({ id: `${a.name}-id`, state: { ...a.inputs, name: a.inputs.resourceName, properties: { hostName: "h.azure-devices.net" } } }),
    call: (a) => {
      if (a.token === "azure-native:iothub:listIotHubResourceKeysForKeyName") {
        if (lookupFails) throw new Error(`KeyName ${String(a.inputs.keyName)} not found`);
        return { keyName: a.inputs.keyName, primaryKey: `key-of-${String(a.inputs.keyName)}` };
      }
      return a.inputs;
    },
  }, "project", "stack", preview);
  const hub = new SecuredIotHub(`hub-${preview}`, {
    resourceGroupName: "rg", hubName: "iot-x", location: "westeurope", sku: "S1", units: 1, workspaceId: "ws", tags: {}, stage: "dev",
  });
  const output = hub.dataPlaneKey as unknown as { promise(): Promise<string> };
  try {
    return { value: await output.promise() };
  } catch (err) {
    return { error: String(err) };
  }
}

test("a preview whose key lookup fails (the policy is not there yet) goes on with an empty key", async () => {
  assert.deepEqual(await dataPlaneKeyUnder(true, true), { value: "" });
});

test("a real run reads the key of pulumi-dataplane, not iothubowner", async () => {
  assert.deepEqual(await dataPlaneKeyUnder(false, false), { value: "key-of-pulumi-dataplane" });
});
