import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import { createSasToken, sasSignature } from "../../lib/iothub/sas";

// A made-up policy key (base64 of 32 bytes), not a real credential.
const KEY = Buffer.from("0123456789abcdef0123456789abcdef").toString("base64");
const HOST = "example-hub.azure-devices.net";
const EXPIRY = 1_900_000_000;

/** The documented algorithm, written out independently of lib/iothub/sas.ts with node:crypto. */
function expectedToken(host: string, key: string, policy: string, expiry: number): string {
  const sr = encodeURIComponent(host);
  const stringToSign = sr + "\n" + expiry;
  const signature = createHmac("sha256", Buffer.from(key, "base64")).update(stringToSign, "utf8").digest("base64");
  return "SharedAccessSignature sr=" + sr + "&sig=" + encodeURIComponent(signature) + "&se=" + expiry + "&skn=" + policy;
}

test("the SAS token equals the documented HMAC-SHA256 computation for a fixed expiry", async () => {
  const token = await createSasToken({ resourceUri: HOST, key: KEY, keyName: "iothubowner", expiry: EXPIRY });
  assert.equal(token, expectedToken(HOST, KEY, "iothubowner", EXPIRY));
});

test("the SAS token URL-encodes a resource URI that contains a path", async () => {
  const resource = `${HOST}/devices/edge-01`;
  const token = await createSasToken({ resourceUri: resource, key: KEY, keyName: "iothubowner", expiry: EXPIRY });
  assert.match(token, /sr=example-hub\.azure-devices\.net%2Fdevices%2Fedge-01&/);
  assert.equal(token, expectedToken(resource, KEY, "iothubowner", EXPIRY));
});

test("a different key or expiry gives a different signature", async () => {
  const base = await createSasToken({ resourceUri: HOST, key: KEY, keyName: "iothubowner", expiry: EXPIRY });
  const otherKey = await createSasToken({ resourceUri: HOST, key: Buffer.from("another key of some length!!").toString("base64"), keyName: "iothubowner", expiry: EXPIRY });
  const otherExpiry = await createSasToken({ resourceUri: HOST, key: KEY, keyName: "iothubowner", expiry: EXPIRY + 1 });
  assert.notEqual(sasSignature(base), sasSignature(otherKey));
  assert.notEqual(sasSignature(base), sasSignature(otherExpiry));
});

test("sasSignature extracts the URL-encoded sig field", async () => {
  const token = await createSasToken({ resourceUri: HOST, key: KEY, keyName: "iothubowner", expiry: EXPIRY });
  const sig = sasSignature(token);
  assert.ok(sig && token.includes(`&sig=${sig}&`));
});

test("an expiry that is not a positive whole number of seconds is refused", async () => {
  await assert.rejects(createSasToken({ resourceUri: HOST, key: KEY, keyName: "iothubowner", expiry: 1.5 }), /positive whole number/);
  await assert.rejects(createSasToken({ resourceUri: HOST, key: KEY, keyName: "iothubowner", expiry: 0 }), /positive whole number/);
});

test("an empty key is refused without echoing anything secret", async () => {
  await assert.rejects(createSasToken({ resourceUri: HOST, key: "", keyName: "iothubowner", expiry: EXPIRY }), /key of policy 'iothubowner' is empty/);
});
