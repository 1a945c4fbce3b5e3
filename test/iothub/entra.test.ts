import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { clientCredentialsToken, defaultTokenSource, IOT_HUB_SCOPE, parseCliToken } from "../../lib/iothub/entra";
import { connectOptions } from "../../lib/iothub/providers";

test("the client-credentials grant asks the tenant's v2 endpoint for the IoT Hub scope and returns the token with its expiry", async () => {
  const seen: { url?: string; body?: string } = {};
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      seen.url = req.url;
      seen.body = body;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ access_token: "tok-1", expires_in: 3599 }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const t = await clientCredentialsToken({ AZURE_TENANT_ID: "tenant-a", AZURE_CLIENT_ID: "app-b", AZURE_CLIENT_SECRET: "s3cret", AZURE_AUTHORITY_HOST: host }, () => 1_000);
    assert.deepEqual(t, { token: "tok-1", expiresOnMs: 1_000 + 3_599_000 });
    assert.equal(seen.url, "/tenant-a/oauth2/v2.0/token");
    const form = new URLSearchParams(seen.body);
    assert.equal(form.get("grant_type"), "client_credentials");
    assert.equal(form.get("scope"), IOT_HUB_SCOPE);
    assert.equal(IOT_HUB_SCOPE, "https://iothubs.azure.net/.default");
    assert.equal(form.get("client_id"), "app-b");
  } finally {
    server.close();
  }
});

test("a refused grant fails with the status and the client id, never the secret", async () => {
  const server = createServer((_req, res) => {
    res.writeHead(401, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "invalid_client" }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await assert.rejects(
      clientCredentialsToken({ AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "app-b", AZURE_CLIENT_SECRET: "s3cret", AZURE_AUTHORITY_HOST: host }),
      (err: Error) => /client app-b\) failed: HTTP 401 invalid_client/.test(err.message) && !err.message.includes("s3cret"),
    );
  } finally {
    server.close();
  }
});

test("the Azure CLI's token JSON is read with either expiry field, and garbage is refused", () => {
  assert.deepEqual(parseCliToken(JSON.stringify({ accessToken: "a", expires_on: 1_900_000_000 })), { token: "a", expiresOnMs: 1_900_000_000_000 });
  assert.equal(parseCliToken(JSON.stringify({ accessToken: "a", expiresOn: "2026-11-29T05:00:00Z" })).expiresOnMs, Date.UTC(2026, 10, 29, 5));
  assert.throws(() => parseCliToken("{}"), /no accessToken/);
  assert.throws(() => parseCliToken(JSON.stringify({ accessToken: "a", expiresOn: "soon" })), /no usable token expiry/);
});

test("the default source fetches nothing until called, and uses client credentials when the environment names them", async () => {
  let called = 0;
  const server = createServer((_req, res) => {
    called++;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ access_token: "env-token", expires_in: 60 }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const source = defaultTokenSource({ AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c", AZURE_CLIENT_SECRET: "s", AZURE_AUTHORITY_HOST: host });
    assert.equal(called, 0);
    assert.equal((await source()).token, "env-token");
    assert.equal(called, 1);
  } finally {
    server.close();
  }
});

test("a resource's connection inputs become client options: entra drops the key, sas keeps it, tier and budget size the pacing", () => {
  const sas = connectOptions({ hubHostName: "h.azure-devices.net", dataPlaneAuth: "sas", hubKey: "k", keyName: "pulumi-dataplane", hubSku: "S1", hubUnits: 2, retryMinutes: 20 });
  assert.deepEqual(sas, { hostName: "h.azure-devices.net", auth: "sas", keyName: "pulumi-dataplane", key: "k", throttle: { sku: "S1", units: 2 }, retryBudgetMs: 1_200_000 });
  const entra = connectOptions({ hubHostName: "h.azure-devices.net", dataPlaneAuth: "entra", hubKey: "stale-key", keyName: "x", hubSku: "S3", hubUnits: 1 });
  assert.deepEqual(entra, { hostName: "h.azure-devices.net", auth: "entra", throttle: { sku: "S3", units: 1 } });
  // State written before this change has neither tier nor mode: sas, unpaced.
  assert.deepEqual(connectOptions({ hubHostName: "h", hubKey: "k", keyName: "iothubowner" }), { hostName: "h", auth: "sas", keyName: "iothubowner", key: "k" });
});
