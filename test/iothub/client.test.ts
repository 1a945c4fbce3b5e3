import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import Ajv04 from "ajv-draft-04";
import type { ValidateFunction } from "ajv";
import { IotHubClient, IotHubError, parseRetryAfter, type DeviceSpec, type IotHubClientOptions } from "../../lib/iothub/client";
import { Pacer } from "../../lib/iothub/limiter";
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
