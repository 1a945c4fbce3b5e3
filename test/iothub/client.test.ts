import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import Ajv04 from "ajv-draft-04";
import type { ValidateFunction } from "ajv";
import {
  canonicalJson,
  IotHubClient,
  IotHubError,
  normalizeContent,
  parseRetryAfter,
  sameContent,
  thumbprintPair,
  type DeviceSpec,
  type IotHubClientOptions,
} from "../../lib/iothub/client";
import { Pacer, sharedPacer } from "../../lib/iothub/limiter";
import { createSasToken, sasSignature } from "../../lib/iothub/sas";
import { FakeHub } from "../helpers/fakeHub";
import { schemaPath } from "../helpers/validators";

// A made-up policy key, not a real credential; tests assert it never leaks.
const KEY = Buffer.from("test-policy-key-0123456789-abcdef").toString("base64");
const NOW = Date.UTC(2026, 10, 1, 12, 0, 0);

describe("IotHubClient against the fake hub (one hub for the file)", () => {
  let hub: FakeHub;
  before(async () => {
    hub = await FakeHub.start({ key: KEY });
  });
  after(async () => {
    await hub.close();
  });

  function client(extra: Partial<IotHubClientOptions> = {}): { c: IotHubClient; sleeps: number[] } {
    const sleeps: number[] = [];
    const c = new IotHubClient({
      hostName: hub.hostName,
      keyName: "iothubowner",
      key: KEY,
      baseUrl: hub.baseUrl,
      // Long enough that a loaded machine never times out a request the test expects to succeed.
      timeoutMs: 1000,
      retries: 3,
      minDelayMs: 1,
      maxDelayMs: 8,
      maxRetryAfterMs: 5000,
      random: () => 0.5,
      now: () => NOW,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...extra,
    });
    return { c, sleeps };
  }

  // The fake hub rejects tokens that expire before the real clock; pin the token clock near real time.
  function realNowClient(extra: Partial<IotHubClientOptions> = {}) {
    return client({ now: Date.now, ...extra });
  }

  let n = 0;
  const edgeDevice = (prefix: string): DeviceSpec => ({
    deviceId: `${prefix}-${++n}`,
    status: "enabled",
    capabilities: { iotEdge: true },
    authentication: { type: "selfSigned", x509Thumbprint: { primaryThumbprint: "A".repeat(40) } },
  });

  /** Swagger definitions of the service API, made strict (no unknown properties) so misspelt fields fail too. */
  function swaggerValidator(definition: string): ValidateFunction {
    const swagger = JSON.parse(readFileSync(schemaPath("iothub-service/service.json"), "utf8")) as { definitions: Record<string, Record<string, unknown>> };
    const definitions = structuredClone(swagger.definitions);
    for (const name of ["Device", "AuthenticationMechanism", "SymmetricKey", "X509Thumbprint", "DeviceCapabilities", "Configuration", "ConfigurationContent"]) {
      definitions[name].additionalProperties ??= false;
    }
    const ajv = new Ajv04({ strict: false, allErrors: true });
    return ajv.compile({ $ref: `#/definitions/${definition}`, definitions });
  }

  function assertNoSecret(text: string, token?: string): void {
    assert.ok(!text.includes(KEY), "the policy key leaked");
    if (token) {
      assert.ok(!text.includes(token), "the SAS token leaked");
      const sig = sasSignature(token)!;
      assert.ok(!text.includes(sig) && !text.includes(decodeURIComponent(sig)), "the signature leaked");
    }
  }

  test("creating an edge device sends one PUT without If-Match, signed, with api-version 2021-04-12", async () => {
    const { c } = realNowClient();
    const spec = edgeDevice("plain");
    const device = await c.createOrUpdateDevice(spec);
    assert.equal(device.deviceId, spec.deviceId);
    assert.ok(device.etag && device.generationId);
    const puts = hub.sent("PUT", `/devices/${spec.deviceId}`);
    assert.equal(puts.length, 1);
    assert.equal(puts[0].headers["if-match"], undefined);
    assert.equal(puts[0].query["api-version"], "2021-04-12");
    assert.match(String(puts[0].headers.authorization), /^SharedAccessSignature sr=fake-hub\.azure-devices\.net&sig=.+&se=\d+&skn=iothubowner$/);
  });

  test("the recorded device, configuration, content and twin bodies validate against the service swagger", async () => {
    const device = swaggerValidator("Device");
    const configuration = swaggerValidator("Configuration");
    const content = swaggerValidator("ConfigurationContent");
    const twin = swaggerValidator("Twin");
    const { c } = realNowClient();
    const spec = edgeDevice("swagger");
    await c.createOrUpdateDevice(spec);
    await c.createOrUpdateDevice({ ...spec, authentication: { type: "sas", symmetricKey: { primaryKey: "cA==", secondaryKey: "cw==" } } }, { ifMatch: "*" });
    const modulesContent = { $edgeAgent: { "properties.desired": { schemaVersion: "1.1" } } };
    await c.applyConfigurationContent(spec.deviceId, { modulesContent });
    await c.createOrUpdateConfiguration({ id: `cfg-swagger-${n}`, content: { modulesContent }, targetCondition: "tags.environment='dev'", priority: 10, labels: { stack: "dev" } });
    await c.updateTwinTags(spec.deviceId, { environment: "dev" });

    for (const r of hub.sent("PUT", `/devices/${spec.deviceId}`)) assert.ok(device(r.body), JSON.stringify(device.errors));
    for (const r of hub.sent("PUT", `/configurations/cfg-swagger-${n}`)) assert.ok(configuration(r.body), JSON.stringify(configuration.errors));
    for (const r of hub.sent("POST", `/devices/${spec.deviceId}/applyConfigurationContent`)) assert.ok(content(r.body), JSON.stringify(content.errors));
    // The swagger types tag values as objects, yet the service stores strings and Microsoft's target
    // conditions use them (tags.environment='prod'). So: the only errors allowed are those string values.
    const [patch] = hub.sent("PATCH", `/twins/${spec.deviceId}`);
    twin(patch.body);
    assert.deepEqual((twin.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`), ["/tags/environment type"]);

    // The validators do reject wrong bodies.
    assert.equal(device({ deviceId: "x", status: "on", capabilities: { iotEdge: "yes" } }), false);
    assert.equal(configuration({ id: "x", priority: "high", contents: {} }), false);
    assert.equal(content({ modulesContent: { $edgeAgent: "not an object" } }), false);
  });

  test("429 with Retry-After in seconds waits that long, then succeeds", async () => {
    const { c, sleeps } = realNowClient();
    const spec = edgeDevice("throttled");
    await c.createOrUpdateDevice(spec);
    hub.inject({ method: "GET", path: `/devices/${spec.deviceId}` }, { kind: "status", status: 429, headers: { "Retry-After": "2" } });
    const got = await c.getDevice(spec.deviceId);
    assert.equal(got?.deviceId, spec.deviceId);
    assert.deepEqual(sleeps, [2000]);
  });

  test("Retry-After as an HTTP date is honoured, and an excessive one is capped", async () => {
    const { c, sleeps } = realNowClient({ maxRetryAfterMs: 4000 });
    const spec = edgeDevice("dated");
    await c.createOrUpdateDevice(spec);
    const inThreeSeconds = new Date(Math.ceil((Date.now() + 3000) / 1000) * 1000).toUTCString();
    hub.inject(
      { method: "GET", path: `/devices/${spec.deviceId}` },
      { kind: "status", status: 429, headers: { "Retry-After": inThreeSeconds } },
      { kind: "status", status: 503, headers: { "Retry-After": "86400" } },
    );
    await c.getDevice(spec.deviceId);
    assert.equal(sleeps.length, 2);
    assert.ok(sleeps[0] > 1500 && sleeps[0] <= 4000, `date-based wait was ${sleeps[0]} ms`);
    assert.equal(sleeps[1], 4000);
  });

  test("500, 503, a reset connection and a slow answer are each retried with growing backoff", async () => {
    const { c, sleeps } = realNowClient();
    const spec = edgeDevice("flaky");
    await c.createOrUpdateDevice(spec);
    const path = `/devices/${spec.deviceId}`;
    const before = hub.sent("GET", path).length;
    hub.inject(
      { method: "GET", path },
      { kind: "status", status: 500 },
      { kind: "status", status: 503 },
      { kind: "reset" },
    );
    assert.equal((await c.getDevice(spec.deviceId))?.deviceId, spec.deviceId);
    assert.equal(hub.sent("GET", path).length - before, 4);
    // Equal jitter with random()=0.5: 3/4 of min(max, min*2^k) → 1, 2 (rounded), 3.
    assert.deepEqual(sleeps, [1, 2, 3]);

    hub.inject({ method: "GET", path }, { kind: "delay", ms: 3000 });
    const t0 = Date.now();
    assert.equal((await c.getDevice(spec.deviceId))?.deviceId, spec.deviceId);
    assert.ok(Date.now() - t0 < 2500, "the slow answer was not abandoned at the timeout (1 s)");
  });

  test("creation succeeds after transient faults without creating the device twice", async () => {
    for (const fault of [
      { kind: "delay", ms: 1500 } as const,
      { kind: "reset", applyFirst: true } as const,
      { kind: "status", status: 500, applyFirst: true } as const,
    ]) {
      const { c } = realNowClient();
      const spec = edgeDevice(`ambiguous-${fault.kind}`);
      const path = `/devices/${spec.deviceId}`;
      hub.inject({ method: "PUT", path }, { kind: "status", status: 429 }, fault);
      const device = await c.createOrUpdateDevice(spec);
      assert.equal(device.deviceId, spec.deviceId, fault.kind);
      assert.equal(hub.creations.get(path), 1, `${fault.kind}: created more than once`);
      assert.equal(hub.sent("PUT", path).length, 3, `${fault.kind}: 429, the faulted create, then the 409 retry`);
      assert.equal(hub.sent("GET", path).length, 1, `${fault.kind}: reconciled by reading the device back`);
    }
  });

  test("a create that meets the same device from an earlier, unrecorded create adopts it without creating twice", async () => {
    const { c } = realNowClient();
    const spec = edgeDevice("preexisting");
    const first = await c.createOrUpdateDevice(spec);
    const again = await c.createOrUpdateDevice(spec);
    assert.equal(again.etag, first.etag);
    assert.equal(hub.creations.get(`/devices/${spec.deviceId}`), 1);
    assert.equal(hub.sent("GET", `/devices/${spec.deviceId}`).length, 1, "adopted after reading the device back");
  });

  test("a create that meets a device with other credentials refuses it and says how to recover without import", async () => {
    const { c } = realNowClient();
    const spec = edgeDevice("hijack");
    const path = `/devices/${spec.deviceId}`;
    // Somebody else created the id with another thumbprint.
    await realNowClient().c.createOrUpdateDevice({ ...spec, authentication: { type: "selfSigned", x509Thumbprint: { primaryThumbprint: "B".repeat(40) } } });
    hub.inject({ method: "PUT", path }, { kind: "reset" });
    await assert.rejects(c.createOrUpdateDevice(spec), (err: IotHubError) => {
      assert.equal(err.status, 409);
      assert.match(err.message, /already exists and differs from the one this stack declares; refusing to take it over/);
      assert.match(err.message, /az iot hub device-identity delete --hub-name <hub> --device-id 'hijack-\d+'/);
      assert.match(err.message, /`pulumi import` cannot adopt dynamic resources/);
      return true;
    });
    const stored = hub.devices.get(spec.deviceId) as { authentication: { x509Thumbprint: { primaryThumbprint: string } } };
    assert.equal(stored.authentication.x509Thumbprint.primaryThumbprint, "B".repeat(40), "the other device is untouched");
  });

  test("adoption compares both thumbprints: a device whose secondary differs is refused", async () => {
    const { c } = realNowClient();
    const spec = edgeDevice("secondary");
    await c.createOrUpdateDevice({ ...spec, authentication: { type: "selfSigned", x509Thumbprint: { primaryThumbprint: "A".repeat(40), secondaryThumbprint: "C".repeat(40) } } });
    await assert.rejects(c.createOrUpdateDevice(spec), /differs from the one this stack declares/);
    // A missing secondary counts as the primary, on either side.
    const same = edgeDevice("secondary-same");
    await c.createOrUpdateDevice({ ...same, authentication: { type: "selfSigned", x509Thumbprint: { primaryThumbprint: "A".repeat(40), secondaryThumbprint: "A".repeat(40) } } });
    assert.equal((await c.createOrUpdateDevice(same)).deviceId, same.deviceId);
  });

  test("delete sends If-Match * and is idempotent: a device already gone counts as deleted", async () => {
    const { c } = realNowClient();
    const spec = edgeDevice("deleted");
    await c.createOrUpdateDevice(spec);
    await c.deleteDevice(spec.deviceId);
    await c.deleteDevice(spec.deviceId);
    const deletes = hub.sent("DELETE", `/devices/${spec.deviceId}`);
    assert.equal(deletes.length, 2);
    assert.ok(deletes.every((r) => r.headers["if-match"] === "*"));
    assert.equal(await c.getDevice(spec.deviceId), undefined);
  });

  test("412 on update fails at once with the operation, device id and status", async () => {
    const { c } = realNowClient();
    const spec = edgeDevice("stale");
    await c.createOrUpdateDevice(spec);
    hub.inject({ method: "PUT", path: `/devices/${spec.deviceId}` }, { kind: "status", status: 412, body: { Message: "ErrorCode:PreconditionFailed" } });
    await assert.rejects(c.createOrUpdateDevice(spec, { ifMatch: "*" }), (err: IotHubError) => {
      assert.equal(err.attempts, 1);
      assert.equal(err.status, 412);
      assert.match(err.message, /updateDevice of device 'stale-\d+' failed after 1 attempt\(s\): HTTP 412/);
      assert.match(err.message, /pulumi refresh/);
      return true;
    });
    assert.equal(hub.sent("PUT", `/devices/${spec.deviceId}`).at(-1)?.headers["if-match"], "*");
  });

  test("a permanent failure ends within the retry bound, and the error carries no key, token or signature", async () => {
    const { c } = client({ now: () => NOW });
    // A proxy that echoes the request's credentials back in its error body.
    const token = await createSasToken({ resourceUri: hub.hostName, key: KEY, keyName: "iothubowner", expiry: Math.floor(NOW / 1000) + 3600 });
    const echo = { Message: `upstream broken; Authorization: ${token}; sig=${decodeURIComponent(sasSignature(token)!)}; key=${KEY}` };
    const path = "/configurations/never-works";
    hub.inject({ path }, ...Array.from({ length: 4 }, () => ({ kind: "status", status: 503, body: echo }) as const));
    const t0 = Date.now();
    await assert.rejects(c.getConfiguration("never-works"), (err: IotHubError) => {
      assert.equal(err.attempts, 4);
      assert.equal(err.status, 503);
      assert.match(err.message, /^IoT Hub getConfiguration of configuration 'never-works' failed after 4 attempt\(s\): HTTP 503/);
      assertNoSecret(err.message, token);
      assertNoSecret(String(err.stack), token);
      return true;
    });
    assert.equal(hub.sent("GET", path).length, 4);
    assert.ok(Date.now() - t0 < 2000);
  });

  test("connections that keep failing end with a network error after the bounded attempts", async () => {
    const { c } = realNowClient();
    const path = "/devices/unreachable";
    hub.inject({ path }, ...Array.from({ length: 4 }, () => ({ kind: "reset" }) as const));
    await assert.rejects(c.getDevice("unreachable"), (err: IotHubError) => {
      assert.equal(err.attempts, 4);
      assert.equal(err.status, undefined);
      assert.match(err.message, /getDevice of device 'unreachable' failed after 4 attempt\(s\): connection failed/);
      assertNoSecret(err.message);
      return true;
    });
  });

  test("timeouts on every attempt end with an error naming the timeout", async () => {
    const { c } = realNowClient({ retries: 1, timeoutMs: 80 });
    const path = "/devices/sluggish";
    hub.inject({ path }, { kind: "delay", ms: 300 }, { kind: "delay", ms: 300 });
    await assert.rejects(c.getDevice("sluggish"), /failed after 2 attempt\(s\): no answer within 80 ms/);
  });

  test("configurations: create without If-Match, update with If-Match *, delete twice", async () => {
    const { c } = realNowClient();
    const spec = { id: "dep-crud", content: { modulesContent: { $edgeHub: { "properties.desired": { schemaVersion: "1.1", routes: {} } } } }, targetCondition: "tags.a='b'", priority: 1, labels: {} };
    const created = await c.createOrUpdateConfiguration(spec);
    assert.ok(created.etag);
    const updated = await c.createOrUpdateConfiguration({ ...spec, priority: 5 }, { ifMatch: "*" });
    assert.equal(updated.priority, 5);
    const puts = hub.sent("PUT", "/configurations/dep-crud");
    assert.deepEqual(puts.map((r) => r.headers["if-match"]), [undefined, "*"]);
    await c.deleteConfiguration("dep-crud");
    await c.deleteConfiguration("dep-crud");
    assert.equal(await c.getConfiguration("dep-crud"), undefined);
  });

  test("a configuration create that timed out but was applied is reconciled, not duplicated", async () => {
    const { c } = realNowClient();
    const spec = { id: "dep-ambiguous", content: { modulesContent: {} }, targetCondition: "tags.a='b'", priority: 1, labels: { x: "y" } };
    hub.inject({ method: "PUT", path: "/configurations/dep-ambiguous" }, { kind: "delay", ms: 400 });
    const cfg = await c.createOrUpdateConfiguration(spec);
    assert.equal(cfg.id, "dep-ambiguous");
    assert.equal(hub.creations.get("/configurations/dep-ambiguous"), 1);
  });

  test("twin tags are merged with PATCH and If-Match *; a null tag removes it", async () => {
    const { c } = realNowClient();
    const spec = edgeDevice("tags");
    await c.createOrUpdateDevice(spec);
    await c.updateTwinTags(spec.deviceId, { environment: "dev", securityAgent: "micro-agent" });
    const twin = await c.updateTwinTags(spec.deviceId, { securityAgent: null });
    assert.deepEqual(twin.tags, { environment: "dev" });
    assert.ok(hub.sent("PATCH", `/twins/${spec.deviceId}`).every((r) => r.headers["if-match"] === "*"));
    assert.deepEqual((await c.getTwin(spec.deviceId)).tags, { environment: "dev" });
  });

  test("module twin desired properties are patched under properties.desired", async () => {
    const { c } = realNowClient();
    const spec = edgeDevice("microagent");
    await c.createOrUpdateDevice(spec);
    await c.updateModuleTwinDesired(spec.deviceId, "DefenderIotMicroAgent", { CollectorsCore_PriorityIntervals: "30,120,1440" });
    assert.deepEqual(hub.sent("PATCH", `/twins/${spec.deviceId}/modules/DefenderIotMicroAgent`)[0].body, {
      properties: { desired: { CollectorsCore_PriorityIntervals: "30,120,1440" } },
    });
  });

  test("an invalid key is reported by the hub as 401 without retrying", async () => {
    const { c } = realNowClient({ key: Buffer.from("wrong key").toString("base64") });
    await assert.rejects(c.getDevice("whatever"), (err: IotHubError) => err.status === 401 && err.attempts === 1);
  });

  test("parseRetryAfter reads seconds, HTTP dates and ignores garbage", () => {
    assert.equal(parseRetryAfter("7", 0), 7000);
    assert.equal(parseRetryAfter("0.5", 0), 500);
    assert.equal(parseRetryAfter("Thu, 01 Jan 1970 00:00:10 GMT", 4000), 6000);
    assert.equal(parseRetryAfter("Thu, 01 Jan 1970 00:00:10 GMT", 20_000), 0);
    assert.equal(parseRetryAfter("soon", 0), undefined);
    assert.equal(parseRetryAfter(null, 0), undefined);
  });

  test("the retry budget is time, not a count: a hub that keeps answering 503 is retried until the budget is spent, then fails", async () => {
    let clock = NOW;
    const sleeps: number[] = [];
    const c = new IotHubClient({
      hostName: hub.hostName, keyName: "iothubowner", key: KEY, baseUrl: hub.baseUrl, timeoutMs: 150,
      minDelayMs: 1000, maxDelayMs: 1000, random: () => 1, retryBudgetMs: 10_000,
      now: () => clock,
      sleep: async (ms) => { sleeps.push(ms); clock += ms; },
    });
    hub.inject({ path: "/configurations/budget" }, ...Array.from({ length: 40 }, () => ({ kind: "status", status: 503 }) as const));
    await assert.rejects(c.getConfiguration("budget"), (err: IotHubError) => {
      assert.equal(err.status, 503);
      // 1 s steps: retries at 1..10 s fit the 10 s budget, the 11th would not.
      assert.equal(err.attempts, 11);
      return true;
    });
    assert.equal(sleeps.length, 10);
  });

  test("with a 5 s budget the same hub gets 6 attempts: the budget, not a count, ends the call", async () => {
    let clock = NOW;
    const c = new IotHubClient({
      hostName: hub.hostName, keyName: "iothubowner", key: KEY, baseUrl: hub.baseUrl, timeoutMs: 150,
      minDelayMs: 1000, maxDelayMs: 1000, random: () => 1, retryBudgetMs: 5_000,
      now: () => clock,
      sleep: async (ms) => { clock += ms; },
    });
    hub.inject({ path: "/configurations/budget5" }, ...Array.from({ length: 40 }, () => ({ kind: "status", status: 503 }) as const));
    await assert.rejects(c.getConfiguration("budget5"), (err: IotHubError) => err.attempts === 6);
  });

  test("a 429's Retry-After holds back the other requests to the same hub through the shared pacer", async () => {
    const pacer = new Pacer(0);
    const { c } = realNowClient({ pacer: () => pacer, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
    const a = edgeDevice("held");
    hub.inject({ method: "PUT", path: `/devices/${a.deviceId}` }, { kind: "status", status: 429, headers: { "retry-after": "0.2" } });
    const t0 = Date.now();
    const first = c.createOrUpdateDevice(a);
    await new Promise((r) => setTimeout(r, 50));
    await c.getDevice("someone-else");
    assert.ok(Date.now() - t0 >= 190, `an unrelated request started ${Date.now() - t0} ms in, inside the Retry-After`);
    await first;
  });

  test("a hub whose DNS name is gone fails at once with hubGone and no retry", async () => {
    const c = new IotHubClient({ hostName: "gone-hub.azure-devices.net", keyName: "iothubowner", key: KEY, baseUrl: "http://gone-hub.invalid", timeoutMs: 5000 });
    await assert.rejects(c.deleteDevice("edge-1"), (err: IotHubError) => {
      assert.equal(err.hubGone, true);
      assert.equal(err.attempts, 1);
      assert.match(err.message, /ENOTFOUND/);
      return true;
    });
  });

  test("IotHubNotFound marks the error hubGone, an ordinary 404 on delete does not fail at all", async () => {
    const gone = await FakeHub.start({ key: KEY });
    try {
      const c = new IotHubClient({ hostName: gone.hostName, keyName: "iothubowner", key: KEY, baseUrl: gone.baseUrl, retries: 3, minDelayMs: 1, maxDelayMs: 2 });
      await c.deleteDevice("never-existed");
      gone.gone = true;
      await assert.rejects(c.deleteDevice("edge-1"), (err: IotHubError) => err.hubGone && err.attempts === 1 && err.status === 404);
    } finally {
      await gone.close();
    }
  });

  test("updateDevice reads the device, writes back with its etag and keeps the fields it does not own", async () => {
    const { c } = realNowClient();
    const spec = edgeDevice("rmw");
    await c.createOrUpdateDevice(spec);
    // Another tool disabled the device with a reason.
    const stored = hub.devices.get(spec.deviceId)!;
    hub.devices.set(spec.deviceId, { ...stored, status: "disabled", statusReason: "stolen" });
    const etag = String(hub.devices.get(spec.deviceId)!.etag);
    await c.updateDevice(spec.deviceId, (d) => ({ ...d, authentication: { type: "selfSigned", x509Thumbprint: { primaryThumbprint: "D".repeat(40), secondaryThumbprint: "D".repeat(40) } } }));
    const put = hub.sent("PUT", `/devices/${spec.deviceId}`).at(-1)!;
    assert.equal(put.headers["if-match"], `"${etag}"`);
    const after = hub.devices.get(spec.deviceId) as { status: string; statusReason: string; authentication: unknown };
    assert.equal(after.statusReason, "stolen");
    assert.equal(after.status, "disabled");
    assert.deepEqual(after.authentication, { type: "selfSigned", x509Thumbprint: { primaryThumbprint: "D".repeat(40), secondaryThumbprint: "D".repeat(40) } });
  });

  test("updateDevice re-reads after a concurrent write (412) and then succeeds", async () => {
    const { c } = realNowClient();
    const spec = edgeDevice("race");
    await c.createOrUpdateDevice(spec);
    hub.inject({ method: "PUT", path: `/devices/${spec.deviceId}` }, { kind: "status", status: 412 });
    await c.updateDevice(spec.deviceId, (d) => ({ ...d }));
    assert.equal(hub.sent("GET", `/devices/${spec.deviceId}`).length, 2);
    assert.equal(hub.sent("PUT", `/devices/${spec.deviceId}`).length, 3, "create, the refused write, the write after re-reading");
  });

  test("a configuration create meeting an existing one adopts it when the content is canonically the same, even with deviceContent/moduleContent beside it", async () => {
    const { c } = realNowClient();
    const spec = { id: "dep-adopt", content: { modulesContent: { $edgeHub: { "properties.desired": { schemaVersion: "1.1", routes: {} } } } }, targetCondition: "tags.a='b'", priority: 1, labels: {} };
    await c.createOrUpdateConfiguration(spec);
    hub.contentExtras = true;
    try {
      const adopted = await c.createOrUpdateConfiguration(spec);
      assert.equal(adopted.id, "dep-adopt");
      await assert.rejects(
        c.createOrUpdateConfiguration({ ...spec, content: { modulesContent: { $edgeHub: { "properties.desired": { schemaVersion: "1.1", routes: { r: "FROM /messages/* INTO $upstream" } } } } } }),
        /configuration 'dep-adopt' failed: HTTP 409: .*differs.*az iot edge deployment delete --hub-name <hub> --deployment-id 'dep-adopt'/,
      );
    } finally {
      hub.contentExtras = false;
    }
  });

  test("Microsoft Entra mode sends the token source's bearer token, and the token never reaches an error", async () => {
    const entra = await FakeHub.start({ key: KEY, bearerToken: "entra-token-123", disableLocalAuth: true });
    try {
      let calls = 0;
      const c = new IotHubClient({
        hostName: entra.hostName, baseUrl: entra.baseUrl, retries: 0,
        tokenSource: async () => { calls++; return { token: "entra-token-123", expiresOnMs: Date.now() + 3_600_000 }; },
      });
      await c.createOrUpdateDevice(edgeDevice("entra"));
      await c.getDevice("x");
      assert.equal(calls, 1, "the token is cached until shortly before it expires");
      assert.equal(entra.requests[0].headers.authorization, "Bearer entra-token-123");
      entra.inject({ path: "/devices/boom" }, { kind: "status", status: 400, body: { Message: "echo Bearer entra-token-123" } });
      await assert.rejects(c.getDevice("boom"), (err: Error) => !err.message.includes("entra-token-123"));
      const sas = new IotHubClient({ hostName: entra.hostName, keyName: "iothubowner", key: KEY, baseUrl: entra.baseUrl, retries: 0 });
      await assert.rejects(sas.getDevice("x"), /HTTP 401/, "a hub with local auth disabled refuses SAS");
    } finally {
      await entra.close();
    }
  });
});

describe("IotHubClient: defaults, limits and messages, with an injected clock and sleep", () => {
  let hub: FakeHub;
  before(async () => {
    hub = await FakeHub.start({ key: KEY, lifetimeMs: 120_000 });
  });
  after(async () => {
    await hub.close();
  });
  // Whole seconds near the real clock: the fake hub refuses tokens that expired by the real clock.
  const T = Math.ceil(Date.now() / 1000) * 1000 + 60_000;
  const base = (): IotHubClientOptions => ({ hostName: hub.hostName, keyName: "iothubowner", key: KEY, baseUrl: hub.baseUrl, timeoutMs: 1000 });
  function clocked(extra: Partial<IotHubClientOptions> = {}) {
    const sleeps: number[] = [];
    const clock = { now: T };
    const c = new IotHubClient({
      ...base(),
      now: () => clock.now,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.now += ms;
      },
      ...extra,
    });
    return { c, sleeps, clock };
  }
  let n = 0;
  const spec = (prefix: string): DeviceSpec => ({
    deviceId: `${prefix}-${++n}`,
    status: "enabled",
    capabilities: { iotEdge: true },
    authentication: { type: "selfSigned", x509Thumbprint: { primaryThumbprint: "A".repeat(40), secondaryThumbprint: "A".repeat(40) } },
  });
  const failing = (path: string, count: number, status = 503, extra: { headers?: Record<string, string> } = {}) =>
    hub.inject({ path }, ...Array.from({ length: count }, () => ({ kind: "status", status, ...extra }) as const));

  test("the constructor names what is missing", () => {
    assert.throws(() => new IotHubClient({ hostName: "" }), { message: "IotHubClient needs the hub host name" });
    assert.throws(() => new IotHubClient({ hostName: "h", key: KEY }), { message: "IotHubClient needs the shared access policy name, or a Microsoft Entra token source" });
    assert.throws(() => new IotHubClient({ hostName: "h", keyName: "p" }), { message: "IotHubClient needs the key of policy 'p'" });
    assert.doesNotThrow(() => new IotHubClient({ hostName: "h", tokenSource: async () => ({ token: "t", expiresOnMs: 0 }) }));
  });

  test("default backoff: 500 ms doubling, capped at 20 s, equal jitter (random 0.5 gives 3/4 of each step)", async () => {
    const { c, sleeps } = clocked({ random: () => 0.5 });
    failing("/configurations/default-backoff", 8);
    assert.equal(await c.getConfiguration("default-backoff"), undefined);
    assert.deepEqual(sleeps, [375, 750, 1500, 3000, 6000, 12000, 15000, 15000]);
  });

  test("jitter spans half to all of the step: random 0 waits half, random near 1 the whole step", async () => {
    const low = clocked({ random: () => 0, minDelayMs: 100, maxDelayMs: 400 });
    failing("/configurations/jitter-low", 4);
    await low.c.getConfiguration("jitter-low");
    assert.deepEqual(low.sleeps, [50, 100, 200, 200]);
    const high = clocked({ random: () => 0.999, minDelayMs: 100, maxDelayMs: 400 });
    failing("/configurations/jitter-high", 3);
    await high.c.getConfiguration("jitter-high");
    assert.deepEqual(high.sleeps, [100, 200, 400]);
  });

  test("the default jitter source stays within half to all of each step", async () => {
    const { c, sleeps } = clocked({ minDelayMs: 1000, maxDelayMs: 4000 });
    failing("/configurations/default-random", 4);
    await c.getConfiguration("default-random");
    assert.equal(sleeps.length, 4);
    [1000, 2000, 4000, 4000].forEach((step, i) => assert.ok(sleeps[i] >= step / 2 && sleeps[i] <= step, `retry ${i + 1} waited ${sleeps[i]} ms`));
  });

  test("the default retry budget is 15 minutes: 100 s steps give 9 retries, then the call fails", async () => {
    const { c, sleeps } = clocked({ minDelayMs: 100_000, maxDelayMs: 100_000, random: () => 1 });
    failing("/configurations/default-budget", 10);
    await assert.rejects(c.getConfiguration("default-budget"), (err: IotHubError) => err.attempts === 10 && err.status === 503);
    assert.equal(sleeps.length, 9);
  });

  test("the budget counts from the first failure, not from the start of the call", async () => {
    // The first attempt takes 50 s of clock (as a slow pacer turn would); the budget is 10 s.
    let calls = 0;
    const clock = { now: T };
    const c = new IotHubClient({
      ...base(),
      minDelayMs: 1000, maxDelayMs: 1000, random: () => 1, retryBudgetMs: 10_000,
      now: () => clock.now,
      sleep: async (ms) => { clock.now += ms; },
      pacer: () => ({ acquire: async () => { if (calls++ === 0) clock.now += 50_000; return 0; }, penalize: () => {} }) as unknown as Pacer,
    });
    failing("/configurations/budget-start", 11);
    await assert.rejects(c.getConfiguration("budget-start"), (err: IotHubError) => err.attempts === 11);
  });

  test("the retry count cap: retries 0 and below allow one attempt, fractions round down", async () => {
    for (const [retries, attempts] of [[0, 1], [-2, 1], [1.9, 2]] as const) {
      const { c } = clocked({ retries });
      const path = `/configurations/cap-${attempts}-${++n}`;
      failing(path, attempts);
      await assert.rejects(c.getConfiguration(path.slice("/configurations/".length)), (err: IotHubError) => err.attempts === attempts, `retries ${retries}`);
    }
  });

  test("Retry-After: the default cap is 60 s; values up to it are honoured exactly", async () => {
    const { c, sleeps } = clocked();
    const path = "/configurations/retry-after";
    hub.inject(
      { path },
      { kind: "status", status: 429, headers: { "Retry-After": "59" } },
      { kind: "status", status: 429, headers: { "Retry-After": "60" } },
      { kind: "status", status: 503, headers: { "Retry-After": "61" } },
      { kind: "status", status: 503, headers: { "Retry-After": "86400" } },
    );
    await c.getConfiguration("retry-after");
    assert.deepEqual(sleeps, [59_000, 60_000, 60_000, 60_000]);
  });

  test("which statuses are retried: 429 and 500 and above; 428, 430, 499 and 300 fail at once; 204 is a success", async () => {
    for (const [status, attempts] of [[429, 2], [500, 2], [599, 2], [428, 1], [430, 1], [499, 1], [300, 1]] as const) {
      const { c } = clocked({ retries: 1 });
      const id = `status-${status}-${++n}`;
      failing(`/configurations/${id}`, 2, status);
      await assert.rejects(c.getConfiguration(id), (err: IotHubError) => {
        assert.equal(err.attempts, attempts, `HTTP ${status}`);
        assert.equal(err.status, status);
        assert.equal(err.message, `IoT Hub getConfiguration of configuration '${id}' failed after ${attempts} attempt(s): HTTP ${status}`);
        return true;
      });
      hub.inject({ path: `/configurations/${id}` }, { kind: "status", status: 200 });
    }
    const { c } = clocked();
    hub.inject({ path: "/configurations/no-content" }, { kind: "status", status: 204 });
    assert.equal(await c.getConfiguration("no-content"), undefined);
  });

  test("a 429 holds back the hub's pacer by the wait it got; a 503 does not; every attempt takes a turn", async () => {
    const acquired: string[] = [];
    const penalties: number[] = [];
    const { c } = clocked({
      random: () => 1, minDelayMs: 7, maxDelayMs: 7,
      pacer: (cls) => ({ acquire: async () => { acquired.push(cls); return 0; }, penalize: (ms: number) => penalties.push(ms) }) as unknown as Pacer,
    });
    hub.inject({ path: "/configurations/penalty" }, { kind: "status", status: 429, headers: { "Retry-After": "3" } }, { kind: "status", status: 429 }, { kind: "status", status: 503 });
    await c.getConfiguration("penalty");
    assert.deepEqual(penalties, [3000, 7]);
    assert.deepEqual(acquired, ["configuration", "configuration", "configuration", "configuration"]);
  });

  test("each operation names itself, its target and its throttle class, and ends with the service's message", async () => {
    const classes: string[] = [];
    const { c } = clocked({ retries: 0, pacer: (cls) => { classes.push(cls); return undefined; } });
    const device = spec("ops");
    const d = device.deviceId;
    await c.createOrUpdateDevice(device);
    await c.createOrUpdateConfiguration({ id: "ops-cfg", content: { modulesContent: {} }, targetCondition: "tags.a='b'", priority: 1, labels: {} });
    const cfg = { id: "ops-cfg", content: { modulesContent: {} }, targetCondition: "tags.a='b'", priority: 1, labels: {} };
    const cases: [string, string, string, string, () => Promise<unknown>][] = [
      ["GET", `/devices/${d}`, `getDevice of device '${d}'`, "registry", () => c.getDevice(d)],
      ["PUT", `/devices/new-${d}`, `createDevice of device 'new-${d}'`, "registry", () => c.createOrUpdateDevice({ ...device, deviceId: `new-${d}` })],
      ["PUT", `/devices/${d}`, `updateDevice of device '${d}'`, "registry", () => c.createOrUpdateDevice(device, { ifMatch: "*" })],
      ["PUT", `/devices/${d}`, `updateDevice of device '${d}'`, "registry", () => c.updateDevice(d, (x) => ({ ...x }))],
      ["DELETE", `/devices/${d}`, `deleteDevice of device '${d}'`, "registry", () => c.deleteDevice(d)],
      ["GET", `/twins/${d}`, `getTwin of twin of device '${d}'`, "twin", () => c.getTwin(d)],
      ["PATCH", `/twins/${d}`, `updateTwinTags of twin of device '${d}'`, "twin", () => c.updateTwinTags(d, { a: "b" })],
      ["PATCH", `/twins/${d}/modules/m1`, `updateModuleTwin of twin of module 'm1' on device '${d}'`, "twin", () => c.updateModuleTwinDesired(d, "m1", { x: 1 })],
      ["POST", `/devices/${d}/applyConfigurationContent`, `applyConfigurationContent of device '${d}'`, "twin", () => c.applyConfigurationContent(d, { modulesContent: {} })],
      ["GET", "/configurations/ops-cfg", "getConfiguration of configuration 'ops-cfg'", "configuration", () => c.getConfiguration("ops-cfg")],
      ["PUT", "/configurations/ops-new", "createConfiguration of configuration 'ops-new'", "configuration", () => c.createOrUpdateConfiguration({ ...cfg, id: "ops-new" })],
      ["PUT", "/configurations/ops-cfg", "updateConfiguration of configuration 'ops-cfg'", "configuration", () => c.createOrUpdateConfiguration(cfg, { ifMatch: "*" })],
      ["DELETE", "/configurations/ops-cfg", "deleteConfiguration of configuration 'ops-cfg'", "configuration", () => c.deleteConfiguration("ops-cfg")],
    ];
    for (const [method, path, what, cls, call] of cases) {
      hub.inject({ method, path }, { kind: "status", status: 400, body: { Message: "nope" } });
      classes.length = 0;
      await assert.rejects(call(), (err: IotHubError) => {
        assert.equal(err.name, "IotHubError");
        assert.equal(err.message, `IoT Hub ${what} failed after 1 attempt(s): HTTP 400: {"Message":"nope"}`);
        assert.equal(err.operation, what.split(" of ")[0]);
        assert.equal(err.target, what.slice(what.indexOf(" of ") + 4));
        assert.equal(err.hubGone, false);
        return true;
      }, what);
      assert.equal(classes.at(-1), cls, what);
    }
  });

  test("ids are escaped in the path; baseUrl may end in slashes", async () => {
    const { c } = clocked({ baseUrl: `${hub.baseUrl}//` });
    const device = { ...spec("esc"), deviceId: `a#b?c%${++n}` };
    await c.createOrUpdateDevice(device);
    assert.equal(hub.devices.has(device.deviceId), true);
    assert.equal((await c.getDevice(device.deviceId))?.deviceId, device.deviceId);
    assert.equal((await c.getTwin(device.deviceId)).deviceId, device.deviceId);
    await c.updateTwinTags(device.deviceId, { a: "b" });
    await c.applyConfigurationContent(device.deviceId, { modulesContent: {} });
    assert.deepEqual(hub.applied.get(device.deviceId), { modulesContent: {} });
    await c.deleteDevice(device.deviceId);
    assert.equal(hub.devices.has(device.deviceId), false);
  });

  test("headers: JSON accepted always, a JSON content type only with a body, If-Match quoted unless *", async () => {
    const { c } = clocked();
    const device = spec("hdr");
    const created = await c.createOrUpdateDevice(device);
    await c.getDevice(device.deviceId);
    const again = await c.createOrUpdateDevice(device, { ifMatch: created.etag });
    await c.createOrUpdateDevice(device, { ifMatch: `"${again.etag}"` });
    const reqs = hub.requests.filter((r) => r.path === `/devices/${device.deviceId}`);
    assert.deepEqual(reqs.map((r) => [r.method, r.headers.accept, r.headers["content-type"], r.headers["if-match"]]), [
      ["PUT", "application/json", "application/json; charset=utf-8", undefined],
      ["GET", "application/json", undefined, undefined],
      ["PUT", "application/json", "application/json; charset=utf-8", `"${created.etag}"`],
      ["PUT", "application/json", "application/json; charset=utf-8", `"${again.etag}"`],
    ]);
  });

  test("SAS tokens: signed for the host with a 1 h default lifetime, reused until 5 minutes before expiry, then renewed", async () => {
    const { c, clock } = clocked();
    const se = () => Number(/&se=(\d+)&/.exec(String(hub.requests.at(-1)!.headers.authorization))![1]);
    await c.getDevice("tok");
    assert.equal(se(), T / 1000 + 3600);
    clock.now = T + 3_300_000 - 1;
    await c.getDevice("tok");
    assert.equal(se(), T / 1000 + 3600, "still more than 5 minutes left: reused");
    clock.now = T + 3_300_000;
    await c.getDevice("tok");
    assert.equal(se(), (T + 3_300_000) / 1000 + 3600, "5 minutes left: renewed");
    const short = clocked({ tokenTtlSecs: 600 });
    await short.c.getDevice("tok");
    assert.equal(se(), T / 1000 + 600);
  });

  test("Entra tokens are reused until 5 minutes before they expire", async () => {
    const entra = await FakeHub.start({ key: KEY, bearerToken: "tok-1" });
    try {
      let calls = 0;
      let clock = T;
      const c = new IotHubClient({ hostName: entra.hostName, baseUrl: entra.baseUrl, retries: 0, now: () => clock, tokenSource: async () => { calls++; return { token: "tok-1", expiresOnMs: T + 1_000_000 }; } });
      await c.getDevice("x");
      clock = T + 700_000 - 1;
      await c.getDevice("x");
      assert.equal(calls, 1);
      clock = T + 700_000;
      await c.getDevice("x");
      assert.equal(calls, 2);
      assert.equal(entra.requests.at(-1)!.headers.authorization, "Bearer tok-1");
    } finally {
      await entra.close();
    }
  });

  test("error text: no body gives the status alone, 300 characters are kept whole, longer ones are cut with an ellipsis, text bodies are kept", async () => {
    const { c } = clocked({ retries: 0 });
    const cases: [unknown, string][] = [
      [undefined, "HTTP 400"],
      [null, "HTTP 400"],
      ["x".repeat(300), `HTTP 400: ${"x".repeat(300)}`],
      ["x".repeat(301), `HTTP 400: ${"x".repeat(300)}…`],
      [{ Message: "y".repeat(300) }, `HTTP 400: {"Message":"${"y".repeat(300 - '{"Message":"'.length)}…`],
      [{ Message: "m" }, 'HTTP 400: {"Message":"m"}'],
    ];
    for (const [body, tail] of cases) {
      hub.inject({ path: "/devices/text" }, { kind: "status", status: 400, body });
      await assert.rejects(c.getDevice("text"), { message: `IoT Hub getDevice of device 'text' failed after 1 attempt(s): ${tail}` });
    }
  });

  test("credentials in an error body are redacted: ours by value, anyone's SAS token, bearer token and signature by shape", async () => {
    const { c } = clocked({ retries: 0 });
    const body = `echo ${KEY} SharedAccessSignature sr=other&sig=abc&se=1 then Bearer other.jwt and sig=xyz&se=2`;
    hub.inject({ path: "/devices/redact" }, { kind: "status", status: 400, body });
    await assert.rejects(c.getDevice("redact"), {
      message: `IoT Hub getDevice of device 'redact' failed after 1 attempt(s): HTTP 400: echo [redacted] SharedAccessSignature [redacted] then Bearer [redacted] and sig=[redacted]&se=2`,
    });
  });

  test("a 412 says to refresh; other statuses do not", async () => {
    const { c } = clocked({ retries: 0 });
    hub.inject({ path: "/devices/pre" }, { kind: "status", status: 412 }, { kind: "status", status: 409 });
    await assert.rejects(c.getDevice("pre"), { message: "IoT Hub getDevice of device 'pre' failed after 1 attempt(s): HTTP 412 (the entity changed or is gone; run `pulumi refresh`)" });
    await assert.rejects(c.getDevice("pre"), { message: "IoT Hub getDevice of device 'pre' failed after 1 attempt(s): HTTP 409" });
  });

  test("network failures: a reset names its code, a timeout names the limit, a gone DNS name says the hub is gone", async () => {
    const { c } = clocked({ retries: 0, timeoutMs: 100 });
    hub.inject({ path: "/devices/net" }, { kind: "reset" }, { kind: "delay", ms: 400 });
    await assert.rejects(c.getDevice("net"), (err: IotHubError) => {
      assert.match(err.message, /^IoT Hub getDevice of device 'net' failed after 1 attempt\(s\): connection failed \((ECONNRESET|UND_ERR_SOCKET)\)$/);
      assert.equal(err.status, undefined);
      assert.equal(err.hubGone, false);
      return true;
    });
    await assert.rejects(c.getDevice("net"), { message: "IoT Hub getDevice of device 'net' failed after 1 attempt(s): no answer within 100 ms" });
    // Without baseUrl the client goes to https://<hostName>.
    const gone = new IotHubClient({ hostName: "gone-hub.invalid", keyName: "iothubowner", key: KEY, timeoutMs: 5000 });
    await assert.rejects(gone.getDevice("edge-1"), (err: IotHubError) => {
      assert.equal(err.message, "IoT Hub getDevice of device 'edge-1' failed after 1 attempt(s): the hub's name does not resolve (ENOTFOUND): the hub no longer exists");
      assert.equal(err.hubGone, true);
      return true;
    });
  });

  test("a failure without a network error code is named as a network error", async () => {
    for (const baseUrl of ["ftp://127.0.0.1", "http://user:pw@127.0.0.1:1"]) {
      const c = new IotHubClient({ ...base(), baseUrl, retries: 0 });
      await assert.rejects(c.getDevice("x"), { message: "IoT Hub getDevice of device 'x' failed after 1 attempt(s): connection failed (network error)" }, baseUrl);
    }
  });

  test("an Entra token echoed without its Bearer prefix is redacted by value", async () => {
    const entra = await FakeHub.start({ key: KEY, bearerToken: "bare-token-456", disableLocalAuth: true });
    try {
      const c = new IotHubClient({ hostName: entra.hostName, baseUrl: entra.baseUrl, retries: 0, tokenSource: async () => ({ token: "bare-token-456", expiresOnMs: Date.now() + 3_600_000 }) });
      entra.inject({ path: "/devices/echo" }, { kind: "status", status: 400, body: "token=bare-token-456; signature undefined" });
      await assert.rejects(c.getDevice("echo"), { message: "IoT Hub getDevice of device 'echo' failed after 1 attempt(s): HTTP 400: token=[redacted]; signature undefined" });
    } finally {
      await entra.close();
    }
  });

  test("a hub whose throttle windows run faster (timeScale) is paced by the process-wide pacer of that speed", async () => {
    const throttle = { sku: "S2", units: 1 };
    const fast = sharedPacer(hub.hostName, throttle, "twin", 60);
    const realTime = sharedPacer(hub.hostName, throttle, "twin", 1);
    const turns: string[] = [];
    fast.acquire = async () => { turns.push("fast"); return 0; };
    realTime.acquire = async () => { turns.push("real time"); return 0; };
    try {
      const { c } = clocked({ throttle, timeScale: 60 });
      await assert.rejects(c.getTwin("paced-twin"));
      assert.deepEqual(turns, ["fast"]);
    } finally {
      delete (fast as { acquire?: unknown }).acquire;
      delete (realTime as { acquire?: unknown }).acquire;
    }
  });

  test("IotHubNotFound is hub-gone with the service's message; an ordinary 404 on a read that does not accept it is not", async () => {
    const { c } = clocked({ retries: 0 });
    hub.inject({ path: "/twins/nohub" }, { kind: "status", status: 404, body: { Message: "ErrorCode:IotHubNotFound;gone" } }, { kind: "status", status: 404, body: { Message: "ErrorCode:DeviceNotFound" } });
    await assert.rejects(c.getTwin("nohub"), (err: IotHubError) => {
      assert.equal(err.message, `IoT Hub getTwin of twin of device 'nohub' failed after 1 attempt(s): HTTP 404: {"Message":"ErrorCode:IotHubNotFound;gone"}`);
      assert.equal(err.hubGone, true);
      return true;
    });
    await assert.rejects(c.getTwin("nohub"), (err: IotHubError) => err.status === 404 && !err.hubGone);
  });

  test("the default sleep is a real timer", async () => {
    const c = new IotHubClient({ ...base(), retries: 1, minDelayMs: 60, maxDelayMs: 60, random: () => 0 });
    hub.inject({ path: "/devices/timer" }, { kind: "status", status: 503 });
    const t0 = Date.now();
    await c.getDevice("timer");
    assert.ok(Date.now() - t0 >= 28, `retried after ${Date.now() - t0} ms, expected 30`);
  });

  test("with the hub's tier and units the client takes turns on the process-wide pacer for that hub at real time", async () => {
    const throttle = { sku: "S1", units: 1 };
    const shared = sharedPacer(hub.hostName, throttle, "registry", 1);
    let turns = 0;
    shared.acquire = async () => { turns++; return 0; };
    try {
      const { c } = clocked({ throttle });
      await c.getDevice("paced");
      assert.equal(turns, 1);
    } finally {
      delete (shared as { acquire?: unknown }).acquire;
    }
  });

  test("a create that meets 412 and finds nothing refuses with the whole recovery text", async () => {
    const { c } = clocked({ retries: 0 });
    hub.inject({ method: "PUT", path: "/devices/ghost" }, { kind: "status", status: 412 });
    await assert.rejects(c.createOrUpdateDevice({ ...spec("x"), deviceId: "ghost" }), (err: IotHubError) => {
      assert.equal(err.message,
        "IoT Hub createDevice of device 'ghost' failed: HTTP 412: a device with this id already exists and differs from the one this stack declares; refusing to take it over. " +
        "To recover: if it is a leftover of this stack, delete it (az iot hub device-identity delete --hub-name <hub> --device-id 'ghost') and run `pulumi up` again; " +
        "otherwise choose another device id (`pulumi import` cannot adopt dynamic resources)");
      assert.deepEqual([err.operation, err.target, err.status, err.attempts, err.hubGone], ["createDevice", "device 'ghost'", 412, 1, false]);
      return true;
    });
    const cfg = { id: "cfg-ghost", content: { modulesContent: {} }, targetCondition: "tags.a='b'", priority: 1, labels: {} };
    hub.inject({ method: "PUT", path: "/configurations/cfg-ghost" }, { kind: "status", status: 409 });
    await assert.rejects(c.createOrUpdateConfiguration(cfg), {
      message:
        "IoT Hub createConfiguration of configuration 'cfg-ghost' failed: HTTP 409: a configuration with this id already exists and differs from the one this stack declares; refusing to take it over. " +
        "To recover: delete it (az iot edge deployment delete --hub-name <hub> --deployment-id 'cfg-ghost') and run `pulumi up` again, or change the deployment's base name (`pulumi import` cannot adopt dynamic resources)",
    });
  });

  test("adoption on 409 compares edge capability, auth type, keys and thumbprints (case-insensitive)", async () => {
    const { c } = clocked();
    const adopt = async (held: DeviceSpec, wanted: (id: string) => DeviceSpec) => {
      await c.createOrUpdateDevice(held);
      return c.createOrUpdateDevice(wanted(held.deviceId)).then(() => true, () => false);
    };
    const sas = (p: string, s: string) => ({ type: "sas", symmetricKey: { primaryKey: p, secondaryKey: s } }) as const;
    const self = (p: string, s?: string) => ({ type: "selfSigned", x509Thumbprint: { primaryThumbprint: p, secondaryThumbprint: s } }) as const;
    const dev = (prefix: string, authentication: DeviceSpec["authentication"], iotEdge = true): DeviceSpec => ({ ...spec(prefix), capabilities: { iotEdge }, authentication });
    assert.equal(await adopt(dev("lc", self("a".repeat(40))), (id) => ({ ...dev("x", self("A".repeat(40), "A".repeat(40))), deviceId: id })), true, "thumbprint case");
    assert.equal(await adopt(dev("edge", self("A".repeat(40)), false), (id) => ({ ...dev("x", self("A".repeat(40))), deviceId: id })), false, "not an edge device");
    assert.equal(await adopt(dev("keys", sas("cA==", "cw==")), (id) => ({ ...dev("x", sas("cA==", "cw==")), deviceId: id })), true, "same keys");
    assert.equal(await adopt(dev("keys2", sas("cA==", "cw==")), (id) => ({ ...dev("x", sas("cA==", "cQ==")), deviceId: id })), false, "other secondary key");
    assert.equal(await adopt(dev("type", sas("cA==", "cw==")), (id) => ({ ...dev("x", self("A".repeat(40))), deviceId: id })), false, "other auth type");
  });

  test("adoption refuses a held device that lacks capabilities or thumbprints, with the 409 message", async () => {
    const { c } = clocked();
    const noCapabilities = spec("nocap");
    await c.createOrUpdateDevice({ ...noCapabilities, capabilities: undefined } as unknown as DeviceSpec);
    await assert.rejects(c.createOrUpdateDevice(noCapabilities), /HTTP 409: a device with this id already exists and differs/);
    const noThumbprints = spec("nothumb");
    await c.createOrUpdateDevice({ ...noThumbprints, authentication: { type: "selfSigned" } } as unknown as DeviceSpec);
    await assert.rejects(c.createOrUpdateDevice(noThumbprints), /HTTP 409: a device with this id already exists and differs/);
  });

  test("updateDevice: a missing device is named; two 412s are retried after re-reading, a third fails", async () => {
    const { c } = clocked();
    await assert.rejects(c.updateDevice("nobody", (d) => ({ ...d })), (err: IotHubError) => {
      assert.equal(err.message, "IoT Hub updateDevice of device 'nobody' failed: the device does not exist (run `pulumi refresh`, then `pulumi up` creates it)");
      assert.deepEqual([err.status, err.attempts], [404, 1]);
      return true;
    });
    const device = spec("rmw2");
    await c.createOrUpdateDevice(device);
    const put = { method: "PUT", path: `/devices/${device.deviceId}` };
    hub.inject(put, { kind: "status", status: 412 }, { kind: "status", status: 412 });
    const updated = await c.updateDevice(device.deviceId, (d) => ({ ...d, status: "disabled" }));
    assert.equal(updated.status, "disabled");
    assert.equal(hub.sent("GET", `/devices/${device.deviceId}`).length, 3);
    hub.inject(put, { kind: "status", status: 412 }, { kind: "status", status: 412 }, { kind: "status", status: 412 });
    await assert.rejects(c.updateDevice(device.deviceId, (d) => ({ ...d })), { message: `IoT Hub updateDevice of device '${device.deviceId}' failed after 1 attempt(s): HTTP 412 (the entity changed or is gone; run \`pulumi refresh\`)` });
    assert.equal(hub.sent("GET", `/devices/${device.deviceId}`).length, 6);
  });

  test("a configuration is sent with schemaVersion 1.0", async () => {
    const { c } = clocked();
    const cfg = { id: "cfg-schema", content: { modulesContent: {} }, targetCondition: "tags.a='b'", priority: 2, labels: { a: "b" } };
    await c.createOrUpdateConfiguration(cfg);
    assert.deepEqual(hub.sent("PUT", "/configurations/cfg-schema")[0].body, { ...cfg, schemaVersion: "1.0" });
  });
});

describe("content helpers", () => {
  test("canonicalJson sorts object keys at every depth and keeps array order and nulls", () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null }, B: 0 }), '{"B":0,"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    assert.equal(canonicalJson([2, 1]), "[2,1]");
    assert.equal(canonicalJson("x"), '"x"');
  });

  test("normalizeContent keeps modulesContent (or {}) and drops only empty other kinds", () => {
    assert.deepEqual(normalizeContent(undefined), { modulesContent: {} });
    assert.deepEqual(normalizeContent(null), { modulesContent: {} });
    assert.deepEqual(normalizeContent({ deviceContent: {}, moduleContent: null, other: undefined }), { modulesContent: {} });
    assert.deepEqual(normalizeContent({ modulesContent: { a: 1 }, deviceContent: { x: 1 }, moduleContent: "text", n: 0 }), { modulesContent: { a: 1 }, deviceContent: { x: 1 }, moduleContent: "text", n: 0 });
    assert.equal(sameContent({ modulesContent: { a: 1, b: 2 }, deviceContent: {} }, { modulesContent: { b: 2, a: 1 } }), true);
    assert.equal(sameContent({ modulesContent: { a: 1 } }, { modulesContent: { a: 2 } }), false);
    assert.equal(sameContent({ modulesContent: {}, deviceContent: { x: 1 } }, { modulesContent: {} }), false);
  });

  test("thumbprintPair upper-cases both and takes the primary for a missing or empty secondary", () => {
    assert.deepEqual(thumbprintPair({ primaryThumbprint: "ab" }), { primary: "AB", secondary: "AB" });
    assert.deepEqual(thumbprintPair({ primaryThumbprint: "ab", secondaryThumbprint: "" }), { primary: "AB", secondary: "AB" });
    assert.deepEqual(thumbprintPair({ primaryThumbprint: "ab", secondaryThumbprint: "cd" }), { primary: "AB", secondary: "CD" });
    assert.deepEqual(thumbprintPair({}), { primary: "", secondary: "" });
  });

  test("parseRetryAfter: blank is no hint, surrounding space is ignored, partial numbers are not seconds", () => {
    assert.equal(parseRetryAfter("", 0), undefined);
    assert.equal(parseRetryAfter("   ", 0), undefined);
    assert.equal(parseRetryAfter(" 7 ", 0), 7000);
    assert.equal(parseRetryAfter("1.25", 0), 1250);
    assert.equal(parseRetryAfter("7s", 0), undefined);
    assert.equal(parseRetryAfter("x7", 0), undefined);
    assert.equal(parseRetryAfter(" Thu, 01 Jan 1970 00:00:10 GMT ", 0), 10_000);
  });
});
