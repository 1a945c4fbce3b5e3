/** The DPS SAS token against an independent computation (node:crypto HMAC, not WebCrypto). */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createDpsSasToken } from "../../lib/dps/sas";

const KEY = Buffer.from("dps-policy-key-for-tests").toString("base64");

test("the token is sr, sig, se, skn with sig = HMAC-SHA256(key, urlencoded host + newline + expiry)", async () => {
  const host = "dps-secure-iot-edge-dev-a1b2c3.azure-devices-provisioning.net";
  const token = await createDpsSasToken({ resourceUri: host, key: KEY, keyName: "provisioningserviceowner", expiry: 1_900_000_000 });
  const sig = createHmac("sha256", Buffer.from(KEY, "base64")).update(`${encodeURIComponent(host)}\n1900000000`).digest("base64");
  assert.equal(token, `SharedAccessSignature sr=${encodeURIComponent(host)}&sig=${encodeURIComponent(sig)}&se=1900000000&skn=provisioningserviceowner`);
});

test("the expiry must be a positive whole number of seconds", async () => {
  await assert.rejects(createDpsSasToken({ resourceUri: "x.azure-devices-provisioning.net", key: KEY, keyName: "p", expiry: 0 }), /positive whole number/);
  await assert.rejects(createDpsSasToken({ resourceUri: "x.azure-devices-provisioning.net", key: KEY, keyName: "p", expiry: 1.5 }), /positive whole number/);
  assert.match(await createDpsSasToken({ resourceUri: "x.azure-devices-provisioning.net", key: KEY, keyName: "p", expiry: 1 }), /&se=1&/);
});

test("an empty key is refused", async () => {
  await assert.rejects(createDpsSasToken({ resourceUri: "x.azure-devices-provisioning.net", key: "", keyName: "p", expiry: 10 }), /policy 'p' is empty or not base64/);
});
