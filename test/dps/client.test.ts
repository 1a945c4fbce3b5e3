/**
 * The DPS client and the enrollment-group provider against a local fake DPS (127.0.0.1) with
 * injected faults: 429 with Retry-After, 5xx, reset, timeout, 404 on delete, 409 adoption.
 */
import { describe, test, beforeEach, afterEach } from "node:test";
import * as assert from "node:assert/strict";
import { DpsClient, DPS_API_VERSION, type EnrollmentGroup, type EnrollmentGroupSpec } from "../../lib/dps/client";
import { enrollmentGroupDiff, enrollmentGroupInputProblems, refreshed, enrollmentGroupProviderWith, enrollmentGroupSpec, type EnrollmentGroupInputs, type EnrollmentGroupOutputs } from "../../lib/dps/provider";
import { FakeDps } from "../helpers/fakeDps";

const HOST = "dps-test.azure-devices-provisioning.net";
const KEY = Buffer.from("fake-dps-owner-key").toString("base64");
const GROUP_KEY = Buffer.alloc(64, 1).toString("base64");

const inputs = (over: Partial<EnrollmentGroupInputs> = {}): EnrollmentGroupInputs => ({
  dpsHostName: HOST,
  dpsKey: KEY,
  keyName: "provisioningserviceowner",
  enrollmentGroupId: "secure-iot-edge-dev-symkey",
  attestation: { type: "symmetricKey", symmetricKey: { primaryKey: GROUP_KEY, secondaryKey: GROUP_KEY } },
  iotHubHostName: "iot-dev.azure-devices.net",
  tags: { stack: "secure-iot-edge-dev" },
  ...over,
});

describe("DPS client and enrollment group provider (fake DPS on 127.0.0.1)", () => {
  let dps: FakeDps;
  const sleeps: number[] = [];
  const client = (over: Record<string, unknown> = {}) =>
    new DpsClient({ hostName: HOST, keyName: "provisioningserviceowner", key: KEY, baseUrl: dps.baseUrl, random: () => 0.5, sleep: async (ms) => void sleeps.push(ms), ...over });
  const provider = () => enrollmentGroupProviderWith((o) => client({ ...o }));
  const spec = (): EnrollmentGroupSpec => enrollmentGroupSpec(inputs());

  beforeEach(async () => {
    sleeps.length = 0;
    dps = await new FakeDps({ hostName: HOST, keyName: "provisioningserviceowner", key: KEY }).start();
  });
  afterEach(async () => dps.close());

  test("create sends the group with iotEdge, initial twin tags, hashed allocation, api-version 2021-10-01 and a valid SAS", async () => {
    const created = await client().createOrUpdateEnrollmentGroup(spec());
    assert.ok(created.etag);
    const put = dps.requests.find((r) => r.method === "PUT");
    assert.equal(put?.apiVersion, DPS_API_VERSION);
    assert.equal(put?.headers["if-match"], undefined);
    const body = JSON.parse(put?.rawBody ?? "{}") as EnrollmentGroupSpec;
    assert.deepEqual(body.capabilities, { iotEdge: true });
    assert.deepEqual(body.initialTwin.tags, { stack: "secure-iot-edge-dev" });
    assert.equal(body.allocationPolicy, "hashed");
    assert.deepEqual(body.iotHubs, ["iot-dev.azure-devices.net"]);
    assert.equal(dps.requests.filter((r) => r.method === "PUT").length, 1);
  });

  test("429 with Retry-After is retried after the server's delay", async () => {
    dps.fail({ kind: "status", status: 429, headers: { "retry-after": "3" } }, "PUT");
    await client().createOrUpdateEnrollmentGroup(spec());
    assert.deepEqual(sleeps, [3000]);
    assert.ok(dps.groups.has("secure-iot-edge-dev-symkey"));
  });

  test("a 503 is retried with backoff; a 400 is not", async () => {
    dps.fail({ kind: "status", status: 503 }, "GET");
    assert.equal(await client().getEnrollmentGroup("nope"), undefined);
    assert.deepEqual(sleeps, [375]);
    dps.fail({ kind: "status", status: 400 }, "GET");
    await assert.rejects(client().getEnrollmentGroup("x"), /getEnrollmentGroup of enrollment group 'x' failed after 1 attempt\(s\): HTTP 400/);
  });

  test("retries are bounded: five 500s with retries 4 fail naming the status", async () => {
    for (let i = 0; i < 5; i++) dps.fail({ kind: "status", status: 500 }, "GET");
    await assert.rejects(client().getEnrollmentGroup("g"), /after 5 attempt\(s\): HTTP 500/);
  });

  test("a reset after the create landed is adopted: the group held is exactly what was sent", async () => {
    dps.fail({ kind: "reset", applyFirst: true }, "PUT");
    const g = await client().createOrUpdateEnrollmentGroup(spec());
    assert.equal(g.enrollmentGroupId, "secure-iot-edge-dev-symkey");
    assert.equal(dps.requests.filter((r) => r.method === "PUT").length, 2);
  });

  test("a timeout after the create landed is adopted too", async () => {
    dps.fail({ kind: "delay", ms: 400 }, "PUT");
    const g = await client({ timeoutMs: 100 }).createOrUpdateEnrollmentGroup(spec());
    assert.ok(g.etag);
  });

  test("409 on a group that someone else holds is refused, not taken over", async () => {
    dps.groups.set("secure-iot-edge-dev-symkey", { ...spec(), initialTwin: { tags: { stack: "other" }, properties: { desired: {} } }, etag: "e1" });
    await assert.rejects(client().createOrUpdateEnrollmentGroup(spec()), /already exists with other settings; import it/);
    assert.equal(dps.requests.filter((r) => r.method === "PUT").length, 0);
  });

  test("a 409 after a retried 5xx whose group differs is refused", async () => {
    dps.fail({ kind: "status", status: 500 }, "PUT");
    dps.fail({ kind: "status", status: 409 }, "PUT");
    await assert.rejects(client().createOrUpdateEnrollmentGroup(spec()), /HTTP 409: the group exists and is not the one this request created/);
  });

  test("delete of a group already gone succeeds (404 means deleted)", async () => {
    await client().deleteEnrollmentGroup("gone");
    assert.equal(dps.requests.at(-1)?.method, "DELETE");
    assert.equal(dps.requests.at(-1)?.headers["if-match"], "*");
  });

  test("errors never carry the key, the token or its signature", async () => {
    dps.fail({ kind: "status", status: 400 }, "GET");
    const err = await client().getEnrollmentGroup("g").catch((e: Error) => e);
    const sent = String(dps.requests[0].headers.authorization);
    assert.ok(err instanceof Error);
    assert.ok(!err.message.includes(KEY));
    assert.ok(!err.message.includes(sent));
    assert.ok(!err.message.includes(sent.split("sig=")[1].split("&")[0]));
  });

  test("provider: create, read, update of the tags (If-Match *), read after delete is gone, delete again is fine", async () => {
    const p = provider();
    const created = await p.create!(inputs());
    const outs = created.outs as EnrollmentGroupOutputs;
    assert.equal(created.id, `${HOST}/secure-iot-edge-dev-symkey`);
    const read = await p.read!(created.id, outs);
    assert.deepEqual(read.props?.tags, { stack: "secure-iot-edge-dev" });
    await p.update!(created.id, outs, inputs({ tags: { stack: "secure-iot-edge-prod" } }));
    assert.equal(dps.requests.at(-1)?.headers["if-match"], "*");
    assert.deepEqual((dps.groups.get("secure-iot-edge-dev-symkey")?.initialTwin as { tags: unknown }).tags, { stack: "secure-iot-edge-prod" });
    await p.delete!(created.id, outs);
    assert.deepEqual(await p.read!(created.id, outs), {});
    await p.delete!(created.id, outs);
  });

  test("refresh: tags changed in DPS show as drift; an x509 group answered with certificate info only does not", () => {
    const x509 = inputs({ attestation: { type: "x509", x509: { signingCertificates: { primary: { certificate: "-----BEGIN CERTIFICATE-----" } } } } });
    const outs = { ...x509, etag: "e1" };
    const infoOnly = { ...enrollmentGroupSpec(x509), attestation: { type: "x509", x509: { signingCertificates: { primary: { info: { sha256Thumbprint: "AB" } } } } }, etag: "e2" } as unknown as EnrollmentGroup;
    assert.deepEqual(refreshed(outs, infoOnly), { ...outs, etag: "e2" });
    const retagged = { ...infoOnly, initialTwin: { tags: { stack: "hand-edited" }, properties: { desired: {} } } };
    assert.deepEqual(refreshed(outs, retagged).tags, { stack: "hand-edited" });
    const otherType = { ...infoOnly, attestation: { type: "symmetricKey", symmetricKey: { primaryKey: GROUP_KEY, secondaryKey: GROUP_KEY } } } as EnrollmentGroup;
    assert.equal(refreshed(outs, otherType).attestation.type, "symmetricKey");
  });

  test("diff: each field on its own", () => {
    const base = inputs();
    const x509 = inputs({ enrollmentGroupId: "g-x509", attestation: { type: "x509", x509: { signingCertificates: { primary: { certificate: "-----BEGIN CERTIFICATE-----" } } } } });
    assert.deepEqual(enrollmentGroupDiff(base, base), { changes: false, replaces: [], deleteBeforeReplace: false });
    assert.deepEqual(enrollmentGroupDiff(base, inputs({ dpsHostName: "other.azure-devices-provisioning.net" })).replaces, ["dpsHostName"]);
    assert.deepEqual(enrollmentGroupDiff(base, inputs({ enrollmentGroupId: "other" })).replaces, ["enrollmentGroupId"]);
    assert.deepEqual(enrollmentGroupDiff(base, x509).replaces, ["enrollmentGroupId", "attestation"]);
    const rotated = inputs({ attestation: { type: "symmetricKey", symmetricKey: { primaryKey: GROUP_KEY, secondaryKey: Buffer.alloc(64, 2).toString("base64") } } });
    assert.deepEqual(enrollmentGroupDiff(base, rotated), { changes: true, replaces: [], deleteBeforeReplace: false });
    for (const [k, v] of [["keyName", "other"], ["dpsKey", "b3RoZXI="], ["iotHubHostName", "x.azure-devices.net"], ["tags", { stack: "x" }]] as const) {
      const d = enrollmentGroupDiff(base, inputs({ [k]: v }));
      assert.equal(d.changes, true, k);
      assert.deepEqual(d.replaces, [], k);
    }
  });

  test("check: group keys of 16 and 64 bytes pass, 15 and 65 fail, without echoing the key", () => {
    const withKey = (n: number) => inputs({ attestation: { type: "symmetricKey", symmetricKey: { primaryKey: Buffer.alloc(n, 3).toString("base64"), secondaryKey: GROUP_KEY } } });
    assert.deepEqual(enrollmentGroupInputProblems(withKey(16)), []);
    assert.deepEqual(enrollmentGroupInputProblems(withKey(64)), []);
    for (const n of [15, 65]) {
      const problems = enrollmentGroupInputProblems(withKey(n));
      assert.deepEqual(problems.map((x) => x.property), ["attestation.symmetricKey.primaryKey"]);
      assert.ok(!JSON.stringify(problems).includes(Buffer.alloc(n, 3).toString("base64")));
    }
    assert.deepEqual(enrollmentGroupInputProblems(inputs({ enrollmentGroupId: "Upper" })).map((x) => x.property), ["enrollmentGroupId"]);
    assert.deepEqual(enrollmentGroupInputProblems(inputs({ dpsHostName: "evil.example.com" })).map((x) => x.property), ["dpsHostName"]);
  });
});
