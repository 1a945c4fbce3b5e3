import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { EDGE_DEVICE_SECRET_OUTPUTS, EdgeDevice } from "../../components/edgeDevice";
import { EdgeDeployment, EdgeDeviceContent } from "../../components/edgeDeployment";
import { IotHubClient } from "../../lib/iothub/client";
import {
  connectOptions,
  contentHash,
  deploymentConfigurationId,
  edgeDeploymentInputProblems,
  edgeDeviceInputProblems,
  ownedTags,
  tagPatch,
  type EdgeDeviceAuth,
  edgeDeploymentProvider,
  edgeDeploymentProviderWith,
  edgeDeviceContentProviderWith,
  edgeDeviceProvider,
  edgeDeviceProviderWith,
  PartialCreateError,
  type ClientFactory,
  type ConnectOptions,
  type EdgeDeploymentInputs,
  type EdgeDeploymentOutputs,
  type EdgeDeviceContentInputs,
  type EdgeDeviceContentOutputs,
  type EdgeDeviceInputs,
  type EdgeDeviceOutputs,
  type HubConnection,
} from "../../lib/iothub/providers";
import { FakeHub } from "../helpers/fakeHub";

// A made-up policy key, not a real credential; tests assert it never leaks.
const KEY = Buffer.from("provider-test-policy-key-987654321").toString("base64");
const THUMB_A = "ab".repeat(20);
const THUMB_B = "cd".repeat(32);

describe("the dynamic providers against the fake hub (one hub for the file)", () => {
  let hub: FakeHub;
  let connect: ClientFactory;
  before(async () => {
    hub = await FakeHub.start({ key: KEY });
    connect = (o) => new IotHubClient({ ...o, baseUrl: hub.baseUrl, timeoutMs: 150, retries: 4, minDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 10 });
  });
  after(async () => {
    await hub.close();
  });

  let n = 0;
  function deviceInputs(over: Partial<EdgeDeviceInputs> = {}): EdgeDeviceInputs {
    return {
      hubHostName: hub.hostName,
      hubKey: KEY,
      keyName: "iothubowner",
      deviceId: `edge-${++n}`,
      auth: { type: "selfSigned", primaryThumbprint: THUMB_A },
      tags: { environment: "dev", securityAgent: "micro-agent" },
      ...over,
    };
  }

  test("EdgeDevice create registers an IoT Edge device with both X.509 thumbprints (secondary = primary when only one is given), twin tags, and no keys", async () => {
    const p = edgeDeviceProviderWith(connect);
    const inputs = deviceInputs();
    const { id, outs } = await p.create(inputs);
    assert.equal(id, inputs.deviceId);
    const stored = hub.devices.get(inputs.deviceId) as { capabilities: { iotEdge: boolean }; authentication: unknown };
    assert.equal(stored.capabilities.iotEdge, true);
    assert.deepEqual(stored.authentication, { type: "selfSigned", x509Thumbprint: { primaryThumbprint: THUMB_A.toUpperCase(), secondaryThumbprint: THUMB_A.toUpperCase() } });
    assert.deepEqual((hub.twins.get(inputs.deviceId) as { tags: unknown }).tags, inputs.tags);
    assert.ok(outs?.etag && outs.generationId);
    assert.equal(outs?.primaryKey, undefined);
    assert.equal(outs?.connectionString, undefined);
  });

  test("EdgeDevice create with sas returns the hub's keys and a connection string", async () => {
    const p = edgeDeviceProviderWith(connect);
    const inputs = deviceInputs({ auth: { type: "sas" } });
    const { outs } = await p.create(inputs);
    const stored = hub.devices.get(inputs.deviceId) as { authentication: { symmetricKey: { primaryKey: string; secondaryKey: string } } };
    assert.equal(outs?.primaryKey, stored.authentication.symmetricKey.primaryKey);
    assert.equal(outs?.secondaryKey, stored.authentication.symmetricKey.secondaryKey);
    assert.notEqual(outs?.primaryKey, outs?.secondaryKey);
    assert.equal(Buffer.from(outs!.primaryKey!, "base64").length, 32);
    assert.equal(outs?.connectionString, `HostName=${hub.hostName};DeviceId=${inputs.deviceId};SharedAccessKey=${outs?.primaryKey}`);
  });

  test("EdgeDevice creation survives 429, 500, 503, a reset and a timeout without creating the device twice", async () => {
    const p = edgeDeviceProviderWith(connect);
    const inputs = deviceInputs({ auth: { type: "sas" } });
    const devicePath = `/devices/${inputs.deviceId}`;
    hub.inject(
      { method: "PUT", path: devicePath },
      { kind: "status", status: 429, headers: { "Retry-After": "0" } },
      { kind: "status", status: 503 },
      { kind: "delay", ms: 400 },
    );
    hub.inject({ method: "PATCH", path: `/twins/${inputs.deviceId}` }, { kind: "status", status: 500 }, { kind: "reset" });
    const { outs } = await p.create(inputs);
    assert.equal(hub.creations.get(devicePath), 1);
    // The keys returned are the ones the hub holds: those of the single create that went through.
    const stored = hub.devices.get(inputs.deviceId) as { authentication: { symmetricKey: { primaryKey: string } } };
    assert.equal(outs?.primaryKey, stored.authentication.symmetricKey.primaryKey);
    assert.deepEqual((hub.twins.get(inputs.deviceId) as { tags: unknown }).tags, inputs.tags);
  });

  test("EdgeDevice create that made the device but could not tag it reports a partial create with the device's state", async () => {
    const p = edgeDeviceProviderWith(connect);
    const inputs = deviceInputs();
    hub.inject({ method: "PATCH", path: `/twins/${inputs.deviceId}` }, { kind: "status", status: 400, body: { Message: "ErrorCode:ArgumentInvalid" } });
    const provider = "exports.handler = () => ({}); // the serialized provider text";
    await assert.rejects(p.create({ ...inputs, __provider: provider } as EdgeDeviceInputs), (err: PartialCreateError) => {
      assert.ok(err instanceof PartialCreateError);
      assert.equal(err.id, inputs.deviceId);
      // Without it, a later read or delete of this state fails in the provider host ("code must be a string").
      assert.equal((err.properties as { __provider?: string }).__provider, provider);
      assert.deepEqual((err.properties as EdgeDeviceOutputs).tags, {});
      assert.match(err.message, /was created but its twin tags were not set: IoT Hub updateTwinTags of twin of device 'edge-\d+' failed after 1 attempt\(s\): HTTP 400/);
      assert.ok(!err.message.includes(KEY));
      return true;
    });
  });

  test("EdgeDevice diff replaces on a new device id or hub, and updates auth and tags in place", async () => {
    const p = edgeDeviceProviderWith(connect);
    const olds = { ...deviceInputs(), etag: "e", generationId: "g" };
    const same = await p.diff!(olds.deviceId, olds, { ...olds });
    assert.deepEqual(same, { changes: false, replaces: [], deleteBeforeReplace: false });
    assert.deepEqual((await p.diff!(olds.deviceId, olds, { ...olds, deviceId: "other" })).replaces, ["deviceId"]);
    assert.deepEqual((await p.diff!(olds.deviceId, olds, { ...olds, hubHostName: "h2.azure-devices.net" })).replaces, ["hubHostName"]);
    for (const news of [
      { ...olds, tags: { environment: "prod" } },
      { ...olds, auth: { type: "sas" } as const },
      { ...olds, hubKey: "rotated" },
    ]) {
      const d = await p.diff!(olds.deviceId, olds, news);
      assert.equal(d.changes, true);
      assert.deepEqual(d.replaces, []);
    }
  });

  test("EdgeDevice update patches removed tags to null and keeps sas keys", async () => {
    const p = edgeDeviceProviderWith(connect);
    const inputs = deviceInputs({ auth: { type: "sas" } });
    const { outs } = await p.create(inputs);
    const news = { ...inputs, tags: { environment: "prod" } };
    const updated = await p.update!(inputs.deviceId, outs!, news);
    assert.deepEqual(hub.sent("PATCH", `/twins/${inputs.deviceId}`).at(-1)?.body, { tags: { environment: "prod", securityAgent: null } });
    assert.deepEqual((hub.twins.get(inputs.deviceId) as { tags: unknown }).tags, { environment: "prod" });
    assert.equal(updated.outs?.primaryKey, outs?.primaryKey);
    assert.equal(hub.sent("PUT", `/devices/${inputs.deviceId}`).length, 1, "a tag change does not rewrite the identity");
  });

  test("EdgeDevice update of the thumbprints reads the device and writes it back with its etag, keeping fields it does not own", async () => {
    const p = edgeDeviceProviderWith(connect);
    const inputs = deviceInputs();
    const { outs } = await p.create(inputs);
    // An operator disabled the device with a reason, outside Pulumi.
    hub.devices.set(inputs.deviceId, { ...hub.devices.get(inputs.deviceId)!, status: "disabled", statusReason: "maintenance" });
    const etag = String(hub.devices.get(inputs.deviceId)!.etag);
    await p.update!(inputs.deviceId, outs!, { ...inputs, auth: { type: "selfSigned", primaryThumbprint: THUMB_B, secondaryThumbprint: THUMB_A } });
    const last = hub.sent("PUT", `/devices/${inputs.deviceId}`).at(-1)!;
    assert.equal(last.headers["if-match"], `"${etag}"`);
    const stored = hub.devices.get(inputs.deviceId) as { authentication: unknown; status: string; statusReason: string };
    assert.deepEqual(stored.authentication, {
      type: "selfSigned",
      x509Thumbprint: { primaryThumbprint: THUMB_B.toUpperCase(), secondaryThumbprint: THUMB_A.toUpperCase() },
    });
    assert.equal(stored.statusReason, "maintenance");
    assert.equal(stored.status, "disabled");
  });

  test("EdgeDevice update that keeps meeting 412 fails with a clear error after re-reading", async () => {
    const p = edgeDeviceProviderWith(connect);
    const inputs = deviceInputs();
    const { outs } = await p.create(inputs);
    hub.inject({ method: "PUT", path: `/devices/${inputs.deviceId}` }, ...Array.from({ length: 3 }, () => ({ kind: "status", status: 412 }) as const));
    await assert.rejects(p.update!(inputs.deviceId, outs!, { ...inputs, auth: { type: "selfSigned", primaryThumbprint: THUMB_B } }), /updateDevice of device 'edge-\d+' failed after 1 attempt\(s\): HTTP 412/);
    assert.equal(hub.sent("GET", `/devices/${inputs.deviceId}`).length, 3, "re-read before each of the three writes");
  });

  test("EdgeDevice delete is idempotent", async () => {
    const p = edgeDeviceProviderWith(connect);
    const inputs = deviceInputs();
    const { outs } = await p.create(inputs);
    await p.delete!(inputs.deviceId, outs!);
    await p.delete!(inputs.deviceId, outs!);
    assert.equal(hub.devices.has(inputs.deviceId), false);
    const read = await p.read!(inputs.deviceId, outs!);
    assert.equal(read.id, undefined, "read reports a deleted device as gone");
  });

  test("EdgeDevice check reports invalid ids, thumbprints and tag names, but not unknown values", async () => {
    const p = edgeDeviceProviderWith(connect);
    const bad = await p.check!({} as EdgeDeviceInputs, deviceInputs({ deviceId: "has space", auth: { type: "selfSigned", primaryThumbprint: "xyz" }, tags: { "a.b": "c" } }));
    assert.deepEqual(bad.failures?.map((f) => f.property), ["deviceId", "auth", "tags"]);
    const unknown = await p.check!({} as EdgeDeviceInputs, deviceInputs({ auth: { type: "selfSigned", primaryThumbprint: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" } }));
    assert.deepEqual(unknown.failures, []);
  });

  function deploymentInputs(over: Partial<EdgeDeploymentInputs> = {}): EdgeDeploymentInputs {
    const content = { modulesContent: { $edgeHub: { "properties.desired": { schemaVersion: "1.1", routes: {} } } } };
    return {
      hubHostName: hub.hostName,
      hubKey: KEY,
      keyName: "iothubowner",
      configurationId: deploymentConfigurationId(`base-${++n}`, content),
      content,
      targetCondition: "tags.environment='dev'",
      priority: 10,
      labels: { stack: "dev" },
      ...over,
    };
  }

  test("the configuration id is the base name plus a hash that ignores key order and follows the content", () => {
    const a = { modulesContent: { x: { "properties.desired": { a: 1, b: 2 } } } };
    const b = { modulesContent: { x: { "properties.desired": { b: 2, a: 1 } } } };
    const c = { modulesContent: { x: { "properties.desired": { a: 1, b: 3 } } } };
    assert.match(deploymentConfigurationId("edge-dev", a), /^edge-dev-[0-9a-f]{8}$/);
    assert.equal(deploymentConfigurationId("edge-dev", a), deploymentConfigurationId("edge-dev", b));
    assert.notEqual(deploymentConfigurationId("edge-dev", a), deploymentConfigurationId("edge-dev", c));
    assert.throws(() => deploymentConfigurationId("Edge_Dev", a), /lowercase/);
  });

  test("EdgeDeployment creates, updates target/priority/labels in place, and deletes idempotently", async () => {
    const p = edgeDeploymentProviderWith(connect);
    const inputs = deploymentInputs();
    const { id, outs } = await p.create(inputs);
    assert.equal(id, inputs.configurationId);
    const news = { ...inputs, targetCondition: "tags.environment='prod'", priority: 20, labels: {} };
    const d = await p.diff!(id, outs!, news);
    assert.equal(d.changes, true);
    assert.deepEqual(d.replaces, []);
    const etag = String(hub.configurations.get(id)!.etag);
    await p.update!(id, outs!, news);
    const stored = hub.configurations.get(id) as { targetCondition: string; priority: number };
    assert.equal(stored.targetCondition, "tags.environment='prod'");
    assert.equal(stored.priority, 20);
    assert.equal(hub.sent("PUT", `/configurations/${id}`).at(-1)?.headers["if-match"], `"${etag}"`, "written back with the etag just read");
    await p.delete!(id, outs!);
    await p.delete!(id, outs!);
    assert.equal(hub.configurations.has(id), false);
  });

  test("EdgeDeployment content change replaces it, creating the new configuration before deleting the old", async () => {
    const p = edgeDeploymentProviderWith(connect);
    const olds = deploymentInputs();
    const content = { modulesContent: { $edgeHub: { "properties.desired": { schemaVersion: "1.1", routes: { r: "FROM /messages/* INTO $upstream" } } } } };
    const news = { ...olds, content, configurationId: deploymentConfigurationId("replaced", content) };
    const d = await p.diff!(olds.configurationId, { ...olds, etag: "e" }, news);
    assert.deepEqual(d.replaces, ["configurationId"], "the id, which carries the content hash, alone decides replacement");
    assert.equal(d.deleteBeforeReplace, false);
  });

  test("EdgeDeviceContent applies content once per change and deletes nothing", async () => {
    const devices = edgeDeviceProviderWith(connect);
    const device = deviceInputs();
    await devices.create(device);
    const p = edgeDeviceContentProviderWith(connect);
    const content = { modulesContent: { $edgeAgent: { "properties.desired": { schemaVersion: "1.1" } } } };
    const inputs = { hubHostName: hub.hostName, hubKey: KEY, keyName: "iothubowner", deviceId: device.deviceId, content };
    const { id, outs } = await p.create(inputs);
    assert.deepEqual(hub.applied.get(device.deviceId), content);
    await p.update!(id, outs!, { ...inputs });
    const changed = { modulesContent: { $edgeAgent: { "properties.desired": { schemaVersion: "1.1", x: 1 } } } };
    assert.equal((await p.diff!(id, outs!, { ...inputs, content: changed })).changes, true);
    await p.update!(id, outs!, { ...inputs, content: changed });
    const posts = hub.sent("POST", `/devices/${device.deviceId}/applyConfigurationContent`);
    assert.equal(posts.length, 2, "unchanged content is not re-applied");
    const before = hub.requests.length;
    await p.delete!(id, outs!);
    assert.equal(hub.requests.length, before);
  });

  test("the serialized providers contain the client code but no key, even after use in this process", async () => {
    // Use the production providers with the key first: any module-level cache of clients or keys would now hold it.
    await edgeDeviceProvider.check!({} as EdgeDeviceInputs, deviceInputs());
    await edgeDeploymentProvider.check!({} as EdgeDeploymentInputs, deploymentInputs());
    const work = edgeDeviceProviderWith(connect);
    await work.create(deviceInputs());
    for (const provider of [edgeDeviceProvider, edgeDeploymentProvider]) {
      const { text, containsSecrets } = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
      assert.equal(containsSecrets, false);
      assert.ok(!text.includes(KEY), "the key was serialized");
      assert.ok(!text.includes(Buffer.from(KEY, "base64").toString("utf8")), "the decoded key was serialized");
      assert.match(text, /SharedAccessSignature/, "the client came along with the provider");
    }
  });

  test("the serialized EdgeDevice provider runs on its own, as the dynamic provider host loads it", async () => {
    const { text } = await pulumi.runtime.serializeFunction(() => edgeDeviceProvider, { allowSecrets: true });
    const dir = mkdtempSync(path.join(tmpdir(), "edge-provider-"));
    try {
      const file = path.join(dir, "provider.js");
      writeFileSync(file, text);
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading generated CommonJS, as the host does
      const loaded = (require(file) as { handler: () => typeof edgeDeviceProvider }).handler();
      const bad = await loaded.check!({} as EdgeDeviceInputs, deviceInputs({ deviceId: "bad id" }));
      assert.deepEqual(bad.failures?.map((f) => f.property), ["deviceId"]);
      const d = await loaded.diff!("x", { ...deviceInputs(), etag: "e", generationId: "g" }, deviceInputs());
      assert.deepEqual(d.replaces, ["deviceId"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("under Pulumi mocks, twenty EdgeDevices register as dynamic resources, serializing each provider once (speed is measured by npm run bench)", async (t) => {
    const registered: pulumi.runtime.MockResourceArgs[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push(args);
          return { id: `${args.name}-id`, state: { ...args.inputs, etag: "e", generationId: "g" } };
        },
        call: (args) => args.inputs,
      },
      "project",
      "stack",
      false,
    );
    // dynamic.Resource looks serializeFunction up on this module at each call; count the calls.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's internal module, patched for counting
    const closure = require("@pulumi/pulumi/runtime/closure/serializeClosure") as { serializeFunction: (...a: unknown[]) => unknown };
    const original = closure.serializeFunction;
    let serializations = 0;
    closure.serializeFunction = (...a: unknown[]) => {
      serializations++;
      return original(...a);
    };
    t.after(() => {
      closure.serializeFunction = original;
    });

    // 20 devices: a serialization per resource would count 21, not 2 (speed is measured by npm run bench).
    const N = 20;
    const settle = (r: pulumi.CustomResource) => new Promise<void>((resolve) => r.urn.apply(() => resolve()));
    let captured: pulumi.ResourceTransformationArgs | undefined;
    const devices = Array.from({ length: N }, (_, i) =>
      new EdgeDevice(
        `dev-${i}`,
        { hubHostName: "hub.azure-devices.net", hubKey: KEY, deviceId: `edge-${i}`, auth: { type: "sas" }, tags: { environment: "dev" } },
        i === 0 ? { transformations: [(args: pulumi.ResourceTransformationArgs) => { captured = args; return undefined; }] } : undefined,
      ),
    );
    const deployment = new EdgeDeployment("dep", {
      hubHostName: "hub.azure-devices.net",
      hubKey: KEY,
      baseName: "edge-dev",
      content: { modulesContent: {} },
      targetCondition: "tags.environment='dev'",
    });
    await settle(devices[N - 1]);
    await settle(deployment);

    assert.equal(serializations, 2, "one serialization per provider object, not per resource");
    assert.equal(registered.filter((r) => r.type === "pulumi-nodejs:dynamic:Resource").length, N + 1);
    const first = registered.find((r) => r.name === "dev-0")!;
    assert.equal(first.inputs.keyName, "pulumi-dataplane", "the default policy is the program's least-privilege one");
    assert.ok(!String(first.inputs.__provider).includes(KEY), "the key is in the serialized provider");
    assert.match(String(registered.find((r) => r.name === "dep")!.inputs.configurationId), /^edge-dev-[0-9a-f]{8}$/);
    // The mock engine ignores additionalSecretOutputs, so check what the resource asks the engine for.
    assert.deepEqual((captured?.opts as pulumi.CustomResourceOptions | undefined)?.additionalSecretOutputs, EDGE_DEVICE_SECRET_OUTPUTS);
    assert.equal(await pulumi.isSecret(captured?.props.hubKey as pulumi.Output<string>), true);
  });
});

describe("provider diffs, one field at a time (no hub is called)", () => {
  const noHub: ClientFactory = () => {
    throw new Error("diff must not reach the hub");
  };
  const connection = { hubHostName: "h1.azure-devices.net", dataPlaneAuth: "sas" as const, hubKey: KEY, keyName: "pulumi-dataplane", hubSku: "S1", hubUnits: 1, retryMinutes: 15 };
  const NO_CHANGE = { changes: false, replaces: [], deleteBeforeReplace: false };
  const UPDATE = { changes: true, replaces: [], deleteBeforeReplace: false };
  const replace = (field: string) => ({ changes: true, replaces: [field], deleteBeforeReplace: false });
  type Case<T> = readonly [label: string, news: (olds: T) => T, expected: pulumi.dynamic.DiffResult];
  // The changes every data-plane resource treats alike: the hub replaces, the credentials update the
  // state in place, the pacing and retry settings are no change at all.
  function connectionCases<T extends HubConnection>(): Case<T>[] {
    return [
      ["hubHostName changed", (o) => ({ ...o, hubHostName: "h2.azure-devices.net" }), replace("hubHostName")],
      ["dataPlaneAuth sas → entra", (o) => ({ ...o, dataPlaneAuth: "entra" }), UPDATE],
      ["keyName changed", (o) => ({ ...o, keyName: "iothubowner" }), UPDATE],
      ["hubKey rotated", (o) => ({ ...o, hubKey: "rotated" }), UPDATE],
      ["hubSku changed", (o) => ({ ...o, hubSku: "S2" }), NO_CHANGE],
      ["hubUnits changed", (o) => ({ ...o, hubUnits: 4 }), NO_CHANGE],
      ["retryMinutes changed", (o) => ({ ...o, retryMinutes: 30 }), NO_CHANGE],
      ["identical inputs", (o) => ({ ...o }), NO_CHANGE],
    ];
  }

  const deviceOlds: EdgeDeviceOutputs = {
    ...connection,
    deviceId: "edge-1",
    auth: { type: "selfSigned", primaryThumbprint: THUMB_A },
    tags: { environment: "dev", securityAgent: "micro-agent" },
    etag: "etag-1",
    generationId: "gen-1",
  };
  const deviceCases: Case<EdgeDeviceOutputs>[] = [
    ...connectionCases<EdgeDeviceOutputs>(),
    ["deviceId changed", (o) => ({ ...o, deviceId: "edge-2" }), replace("deviceId")],
    ["auth selfSigned → sas", (o) => ({ ...o, auth: { type: "sas" } }), UPDATE],
    ["auth secondary thumbprint added", (o) => ({ ...o, auth: { type: "selfSigned", primaryThumbprint: THUMB_A, secondaryThumbprint: THUMB_B } }), UPDATE],
    ["auth primary thumbprint changed", (o) => ({ ...o, auth: { type: "selfSigned", primaryThumbprint: THUMB_B } }), UPDATE],
    ["auth with its keys in another order", (o) => ({ ...o, auth: { primaryThumbprint: THUMB_A, type: "selfSigned" } }), NO_CHANGE],
    ["a tag value changed", (o) => ({ ...o, tags: { environment: "prod", securityAgent: "micro-agent" } }), UPDATE],
    ["a tag removed", (o) => ({ ...o, tags: { environment: "dev" } }), UPDATE],
    ["a tag added", (o) => ({ ...o, tags: { ...o.tags, site: "plant-1" } }), UPDATE],
    ["tags in another order", (o) => ({ ...o, tags: { securityAgent: "micro-agent", environment: "dev" } }), NO_CHANGE],
    ["outputs absent from the new inputs (etag, generationId)", ({ etag: _e, generationId: _g, ...o }) => o as EdgeDeviceOutputs, NO_CHANGE],
  ];
  for (const [label, news, expected] of deviceCases) {
    test(`EdgeDevice diff, ${label}: ${expected.replaces?.length ? `replaces ${expected.replaces.join()}` : expected.changes ? "updates in place" : "no change"}`, async () => {
      const p = edgeDeviceProviderWith(noHub);
      assert.deepEqual(await p.diff!("edge-1", deviceOlds, news(deviceOlds)), expected);
    });
  }
  test("EdgeDevice diff: a state without tags equals empty tags, but not declared tags", async () => {
    const p = edgeDeviceProviderWith(noHub);
    const untagged = { ...deviceOlds, tags: undefined } as unknown as EdgeDeviceOutputs;
    assert.deepEqual(await p.diff!("edge-1", untagged, { ...deviceOlds, tags: {} }), NO_CHANGE);
    assert.deepEqual(await p.diff!("edge-1", untagged, deviceOlds), UPDATE);
  });
  test("EdgeDevice diff: a new id and a new hub together replace on both", async () => {
    const p = edgeDeviceProviderWith(noHub);
    const d = await p.diff!("edge-1", deviceOlds, { ...deviceOlds, hubHostName: "h2.azure-devices.net", deviceId: "edge-2" });
    assert.deepEqual(d, { changes: true, replaces: ["hubHostName", "deviceId"], deleteBeforeReplace: false });
  });

  const content = { modulesContent: { $edgeHub: { "properties.desired": { schemaVersion: "1.1", routes: {} } } } };
  const deploymentOlds: EdgeDeploymentOutputs = {
    ...connection,
    configurationId: deploymentConfigurationId("base", content),
    content,
    targetCondition: "tags.environment='dev'",
    priority: 10,
    labels: { stack: "dev", owner: "ops" },
    etag: "etag-1",
  };
  const otherContent = { modulesContent: { $edgeHub: { "properties.desired": { schemaVersion: "1.2", routes: {} } } } };
  const deploymentCases: Case<EdgeDeploymentOutputs>[] = [
    ...connectionCases<EdgeDeploymentOutputs>(),
    ["configurationId changed (new content hash)", (o) => ({ ...o, configurationId: deploymentConfigurationId("base", otherContent), content: otherContent }), replace("configurationId")],
    ["content reshaped under the same id (the id alone decides)", (o) => ({ ...o, content: otherContent }), NO_CHANGE],
    ["targetCondition changed", (o) => ({ ...o, targetCondition: "tags.environment='prod'" }), UPDATE],
    ["priority raised", (o) => ({ ...o, priority: 20 }), UPDATE],
    ["priority lowered to 0", (o) => ({ ...o, priority: 0 }), UPDATE],
    ["a label value changed", (o) => ({ ...o, labels: { stack: "prod", owner: "ops" } }), UPDATE],
    ["a label removed", (o) => ({ ...o, labels: { stack: "dev" } }), UPDATE],
    ["labels emptied", (o) => ({ ...o, labels: {} }), UPDATE],
    ["labels in another order", (o) => ({ ...o, labels: { owner: "ops", stack: "dev" } }), NO_CHANGE],
    ["etag absent from the new inputs", ({ etag: _e, ...o }) => o as EdgeDeploymentOutputs, NO_CHANGE],
  ];
  for (const [label, news, expected] of deploymentCases) {
    test(`EdgeDeployment diff, ${label}: ${expected.replaces?.length ? `replaces ${expected.replaces.join()}` : expected.changes ? "updates in place" : "no change"}`, async () => {
      const p = edgeDeploymentProviderWith(noHub);
      assert.deepEqual(await p.diff!(deploymentOlds.configurationId, deploymentOlds, news(deploymentOlds)), expected);
    });
  }
  test("EdgeDeployment diff: a state without labels equals empty labels", async () => {
    const p = edgeDeploymentProviderWith(noHub);
    const unlabelled = { ...deploymentOlds, labels: undefined } as unknown as EdgeDeploymentOutputs;
    assert.deepEqual(await p.diff!("x", unlabelled, { ...deploymentOlds, labels: {} }), NO_CHANGE);
    assert.deepEqual(await p.diff!("x", unlabelled, deploymentOlds), UPDATE);
  });

  const modules = { modulesContent: { $edgeAgent: { "properties.desired": { schemaVersion: "1.1", runtime: { type: "docker" } } } } };
  const contentOlds: EdgeDeviceContentOutputs = {
    ...connection,
    deviceId: "edge-1",
    content: modules,
    deviceGenerationId: "gen-1",
    contentHash: contentHash(modules),
    appliedGenerationId: "gen-1",
  };
  const contentCases: Case<EdgeDeviceContentOutputs>[] = [
    ...connectionCases<EdgeDeviceContentOutputs>(),
    ["deviceId changed", (o) => ({ ...o, deviceId: "edge-2" }), replace("deviceId")],
    ["content changed", (o) => ({ ...o, content: { modulesContent: { $edgeAgent: { "properties.desired": { schemaVersion: "1.1" } } } } }), UPDATE],
    ["content with its keys in another order", (o) => ({ ...o, content: { modulesContent: { $edgeAgent: { "properties.desired": { runtime: { type: "docker" }, schemaVersion: "1.1" } } } } }), NO_CHANGE],
    ["a refresh found the content gone (contentHash emptied)", (o) => ({ ...o }), UPDATE],
    ["the device was re-created (new deviceGenerationId)", (o) => ({ ...o, deviceGenerationId: "gen-2" }), UPDATE],
    ["deviceGenerationId not declared", ({ deviceGenerationId: _g, ...o }) => o as EdgeDeviceContentOutputs, NO_CHANGE],
    ["deviceGenerationId is the generation the content was applied to", (o) => ({ ...o, deviceGenerationId: "gen-1" }), NO_CHANGE],
  ];
  for (const [label, news, expected] of contentCases) {
    test(`EdgeDeviceContent diff, ${label}: ${expected.replaces?.length ? `replaces ${expected.replaces.join()}` : expected.changes ? "updates in place" : "no change"}`, async () => {
      const p = edgeDeviceContentProviderWith(noHub);
      const olds = label.startsWith("a refresh found") ? { ...contentOlds, contentHash: "" } : contentOlds;
      assert.deepEqual(await p.diff!("h1/edge-1", olds, news(olds)), expected);
    });
  }
  test("EdgeDeviceContent diff: a generation that differs from the one applied to counts, not one that differs from the old input", async () => {
    const p = edgeDeviceContentProviderWith(noHub);
    const olds = { ...contentOlds, deviceGenerationId: "gen-0", appliedGenerationId: "gen-1" };
    assert.deepEqual(await p.diff!("h1/edge-1", olds, { ...olds, deviceGenerationId: "gen-1" }), NO_CHANGE);
    assert.deepEqual(await p.diff!("h1/edge-1", olds, { ...olds, deviceGenerationId: "gen-0" }), UPDATE);
  });
});

describe("secret outputs of the data-plane resources, each on its own (Pulumi mocks)", () => {
  function registerCapturing(make: (opts: pulumi.CustomResourceOptions) => pulumi.CustomResource): Promise<{ opts: pulumi.CustomResourceOptions; props: Record<string, unknown> }> {
    return new Promise((resolve) => {
      make({
        additionalSecretOutputs: ["callerSecret"],
        transformations: [
          (args: pulumi.ResourceTransformationArgs) => {
            resolve({ opts: args.opts as pulumi.CustomResourceOptions, props: args.props as Record<string, unknown> });
            return undefined;
          },
        ],
      });
    });
  }
  before(async () => {
    await pulumi.runtime.setMocks(
      { newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs } }), call: (args) => args.inputs },
      "project",
      "stack",
      false,
    );
  });
  const hub = { hubHostName: "hub.azure-devices.net", hubKey: KEY };
  const cases: [string, (opts: pulumi.CustomResourceOptions) => pulumi.CustomResource, string[]][] = [
    ["EdgeDevice", (opts) => new EdgeDevice("secret-dev", { ...hub, deviceId: "edge-s", auth: { type: "sas" } }, opts), ["hubKey", "primaryKey", "secondaryKey", "connectionString"]],
    ["EdgeDeployment", (opts) => new EdgeDeployment("secret-dep", { ...hub, baseName: "edge-s", content: { modulesContent: {} }, targetCondition: "tags.a='b'" }, opts), ["hubKey"]],
    ["EdgeDeviceContent", (opts) => new EdgeDeviceContent("secret-content", { ...hub, deviceId: "edge-s", content: { modulesContent: {} } }, opts), ["hubKey"]],
  ];
  for (const [kind, make, secrets] of cases) {
    for (const output of secrets) {
      test(`${kind}: ${output} is a secret output`, async () => {
        const { opts } = await registerCapturing(make);
        assert.ok(opts.additionalSecretOutputs?.includes(output), `${output} is not in ${JSON.stringify(opts.additionalSecretOutputs)}`);
      });
    }
    test(`${kind}: the caller's own secret outputs are kept`, async () => {
      const { opts } = await registerCapturing(make);
      assert.ok(opts.additionalSecretOutputs?.includes("callerSecret"));
    });
    test(`${kind}: the hub key input is a secret`, async () => {
      const { props } = await registerCapturing(make);
      assert.equal(await pulumi.isSecret(props.hubKey as pulumi.Output<string>), true);
    });
  }
});

describe("input checks: both sides of every limit, each message whole", () => {
  const SPECIALS = "-:.+%_#*?!(),=@;$'";
  const deviceIdReason = (id: string) => `device id '${id}' must be 1-128 of A-Z a-z 0-9 - : . + % _ # * ? ! ( ) , = @ ; $ '`;
  const thumbReason = (key: string) => `${key} must be 40 or 64 hex digits (a SHA-1 or SHA-256 thumbprint)`;
  const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

  test("device ids: 128 characters pass, 129 and none fail; every allowed special character passes; unknown and non-string ids are not judged", () => {
    assert.deepEqual(edgeDeviceInputProblems({ deviceId: "a".repeat(128) }), []);
    assert.deepEqual(edgeDeviceInputProblems({ deviceId: `Az09${SPECIALS}` }), []);
    assert.deepEqual(edgeDeviceInputProblems({ deviceId: "a".repeat(129) }), [{ property: "deviceId", reason: deviceIdReason("a".repeat(129)) }]);
    assert.deepEqual(edgeDeviceInputProblems({ deviceId: "" }), [{ property: "deviceId", reason: deviceIdReason("") }]);
    assert.deepEqual(edgeDeviceInputProblems({ deviceId: "x/y" }), [{ property: "deviceId", reason: deviceIdReason("x/y") }]);
    assert.deepEqual(edgeDeviceInputProblems({ deviceId: "ok\nbad" }), [{ property: "deviceId", reason: deviceIdReason("ok\nbad") }]);
    assert.deepEqual(edgeDeviceInputProblems({ deviceId: UNKNOWN.replace(/-/g, "/") }).length, 1);
    assert.deepEqual(edgeDeviceInputProblems({ deviceId: 42 as unknown as string }), []);
    assert.deepEqual(edgeDeviceInputProblems({}), []);
  });

  test("thumbprints: 40 and 64 hex digits pass (either case), 39, 41, 63, 65 and non-hex fail, for the primary and the secondary", () => {
    const self = (primaryThumbprint: string | undefined, secondaryThumbprint?: string) => ({ auth: { type: "selfSigned", primaryThumbprint, secondaryThumbprint } as EdgeDeviceAuth });
    for (const ok of ["a".repeat(40), "F".repeat(40), "0".repeat(64), "Ab".repeat(32)]) {
      assert.deepEqual(edgeDeviceInputProblems(self(ok)), [], ok);
      assert.deepEqual(edgeDeviceInputProblems(self(THUMB_A, ok)), [], ok);
    }
    for (const bad of ["a".repeat(39), "a".repeat(41), "a".repeat(63), "a".repeat(65), "g".repeat(40), ` ${"a".repeat(40)}`, `${"a".repeat(40)} `]) {
      assert.deepEqual(edgeDeviceInputProblems(self(bad)), [{ property: "auth", reason: thumbReason("primaryThumbprint") }], bad);
      assert.deepEqual(edgeDeviceInputProblems(self(THUMB_A, bad)), [{ property: "auth", reason: thumbReason("secondaryThumbprint") }], bad);
    }
    assert.deepEqual(edgeDeviceInputProblems(self(undefined)), [{ property: "auth", reason: "selfSigned auth needs primaryThumbprint" }]);
    assert.deepEqual(edgeDeviceInputProblems(self(UNKNOWN, UNKNOWN)), [], "unknown thumbprints are not judged");
  });

  test("auth types: sas and selfSigned pass, anything else is named", () => {
    assert.deepEqual(edgeDeviceInputProblems({ auth: { type: "sas" } }), []);
    assert.deepEqual(edgeDeviceInputProblems({ auth: { type: "x509" } as unknown as EdgeDeviceAuth }), [
      { property: "auth", reason: `auth.type must be "selfSigned" or "sas", not 'x509'` },
    ]);
    assert.deepEqual(edgeDeviceInputProblems({ auth: {} as unknown as EdgeDeviceAuth }), [
      { property: "auth", reason: `auth.type must be "selfSigned" or "sas", not 'undefined'` },
    ]);
  });

  test("an auth that is still unknown (the preview sentinel string) is not judged", () => {
    assert.deepEqual(edgeDeviceInputProblems({ auth: UNKNOWN as unknown as EdgeDeviceAuth }), []);
  });

  test("tag names: 1 to 1024 characters; control characters (C0, DEL, C1), space, '.' and '$' fail; their neighbours pass", () => {
    const nameReason = (k: string) => ({ property: "tags", reason: `tag name '${k}' may not contain '.', '$', spaces or control characters` });
    for (const ok of ["a", "a".repeat(1024), "!", "~", "x\u00a0y", "ümlaut", "a-b_c"]) assert.deepEqual(edgeDeviceInputProblems({ tags: { [ok]: "v" } }), [], JSON.stringify(ok));
    for (const bad of ["", "a".repeat(1025), "a b", "a.b", "a$b", "\u0000", "a\u001fb", "a\u007fb", "a\u0080b", "a\u009fb", "\t"]) {
      assert.deepEqual(edgeDeviceInputProblems({ tags: { [bad]: "v" } }), [nameReason(bad)], JSON.stringify(bad));
    }
  });

  test("tag values: strings, numbers and booleans pass; objects, arrays and null fail", () => {
    assert.deepEqual(edgeDeviceInputProblems({ tags: { s: "x", n: 1, b: false } }), []);
    for (const bad of [{ nested: 1 }, ["a"], null]) {
      assert.deepEqual(edgeDeviceInputProblems({ tags: { t: bad as unknown as string } }), [{ property: "tags", reason: "tag 't' must be a string, number or boolean" }], JSON.stringify(bad));
    }
  });

  test("deployment inputs: configuration ids of 128 lowercase characters pass, 129, upper case and '$' fail; unknown ids are not judged", () => {
    const idReason = (id: string) => [{ property: "configurationId", reason: `configuration id '${id}' must be 1-128 lowercase letters, digits or - : + % _ # * ? ! ( ) , = @ ; '` }];
    assert.deepEqual(edgeDeploymentInputProblems({ configurationId: "a".repeat(128) }), []);
    assert.deepEqual(edgeDeploymentInputProblems({ configurationId: "az09-:+%_#*?!(),=@;'" }), []);
    assert.deepEqual(edgeDeploymentInputProblems({ configurationId: UNKNOWN }), []);
    for (const bad of ["a".repeat(129), "Edge", "edge$1", "edge.1", ""]) assert.deepEqual(edgeDeploymentInputProblems({ configurationId: bad }), idReason(bad), bad);
  });

  test("deployment inputs: priority 0 and above pass, -1 and fractions fail; a blank target condition fails", () => {
    const priorityReason = [{ property: "priority", reason: "priority must be a whole number, 0 or more (higher wins)" }];
    assert.deepEqual(edgeDeploymentInputProblems({ priority: 0 }), []);
    assert.deepEqual(edgeDeploymentInputProblems({ priority: 1 }), []);
    assert.deepEqual(edgeDeploymentInputProblems({ priority: -1 }), priorityReason);
    assert.deepEqual(edgeDeploymentInputProblems({ priority: 1.5 }), priorityReason);
    assert.deepEqual(edgeDeploymentInputProblems({ targetCondition: "tags.a='b'" }), []);
    for (const blank of ["", "  \t"]) {
      assert.deepEqual(edgeDeploymentInputProblems({ targetCondition: blank }), [{ property: "targetCondition", reason: "targetCondition must not be empty (e.g. tags.environment='dev')" }]);
    }
    assert.deepEqual(
      edgeDeploymentInputProblems({ configurationId: "X", priority: -1, targetCondition: "" }).map((f) => f.property),
      ["configurationId", "priority", "targetCondition"],
    );
  });

  test("the configuration id: base names of 1 to 119 characters pass, 120 or a leading '-' fail, and the hash is the first 8 hex of sha256 of the canonical content", () => {
    const content = { modulesContent: { b: 1, a: { d: [2, 1], c: null } } };
    const canonical = '{"modulesContent":{"a":{"c":null,"d":[2,1]},"b":1}}';
    const sha = createHash("sha256").update(canonical).digest("hex");
    assert.equal(contentHash(content), sha);
    assert.equal(deploymentConfigurationId("a", content), `a-${sha.slice(0, 8)}`);
    assert.equal(deploymentConfigurationId("0".repeat(119), content).length, 128);
    for (const bad of ["a".repeat(120), "-edge", "", "edge_dev", "edge.dev"]) {
      assert.throws(() => deploymentConfigurationId(bad, content), {
        message: `deployment base name '${bad}' must be 1-119 lowercase letters, digits or '-', starting with a letter or digit`,
      });
    }
  });

  test("connectOptions: sas carries the policy and key, entra neither; the throttle needs both tier and units; retryMinutes becomes the budget in ms", () => {
    const base = { hubHostName: "h.azure-devices.net", hubKey: KEY, keyName: "p" };
    assert.deepEqual(connectOptions(base), { hostName: "h.azure-devices.net", auth: "sas", keyName: "p", key: KEY });
    assert.deepEqual(connectOptions({ ...base, dataPlaneAuth: "sas" }), { hostName: "h.azure-devices.net", auth: "sas", keyName: "p", key: KEY });
    assert.deepEqual(connectOptions({ ...base, dataPlaneAuth: "entra" }), { hostName: "h.azure-devices.net", auth: "entra" });
    assert.deepEqual(connectOptions({ ...base, hubSku: "S2", hubUnits: 3 }).throttle, { sku: "S2", units: 3 });
    assert.equal("throttle" in connectOptions({ ...base, hubSku: "S2" }), false);
    assert.equal("throttle" in connectOptions({ ...base, hubUnits: 3 }), false);
    assert.equal(connectOptions({ ...base, retryMinutes: 2 }).retryBudgetMs, 120_000);
    assert.equal(connectOptions({ ...base, retryMinutes: 0 }).retryBudgetMs, 0);
    assert.equal("retryBudgetMs" in connectOptions(base), false);
  });

  test("tagPatch sets removed tags to null and keeps the new values; ownedTags keeps only declared keys with scalar values", () => {
    assert.deepEqual(tagPatch({ a: "1", b: "2" }, { a: "3", c: true }), { a: "3", c: true, b: null });
    assert.deepEqual(tagPatch({}, { a: 1 }), { a: 1 });
    assert.deepEqual(ownedTags({ s: "", n: 0, b: false, o: "", gone: "" }, { s: "x", n: 2, b: true, o: { nested: 1 }, foreign: "y" }), { s: "x", n: 2, b: true });
    assert.deepEqual(ownedTags({ a: "x" }, undefined), {});
  });
});

describe("provider lifecycles against a fake hub: outputs whole, each branch", () => {
  let hub: FakeHub;
  let seen: ConnectOptions[];
  let connect: ClientFactory;
  before(async () => {
    hub = await FakeHub.start({ key: KEY, lifetimeMs: 120_000 });
    seen = [];
    // Records what the provider asks for; drops the throttle so the tests are not paced at the real rates.
    connect = (o) => {
      seen.push(o);
      return new IotHubClient({ hostName: o.hostName, keyName: o.keyName, key: o.key, retryBudgetMs: o.retryBudgetMs, baseUrl: hub.baseUrl, timeoutMs: 1000, retries: 2, minDelayMs: 1, maxDelayMs: 2, sleep: async () => {} });
    };
  });
  after(async () => {
    await hub.close();
  });

  let n = 0;
  const conn = () => ({ hubHostName: hub.hostName, hubKey: KEY, keyName: "iothubowner" });
  const deviceInputs = (over: Partial<EdgeDeviceInputs> = {}): EdgeDeviceInputs => ({
    ...conn(),
    deviceId: `life-${++n}`,
    auth: { type: "selfSigned", primaryThumbprint: THUMB_A },
    tags: { environment: "dev" },
    ...over,
  });
  const stored = (id: string) => hub.devices.get(id) as { etag: string; generationId: string; capabilities: { iotEdge: boolean }; authentication: { type: string; symmetricKey?: { primaryKey: string; secondaryKey: string }; x509Thumbprint?: unknown } };

  test("EdgeDevice create: the outputs are the connection, the inputs and the hub's etag and generation, with no key fields for X.509", async () => {
    const p = edgeDeviceProviderWith(connect);
    const inputs = deviceInputs({ dataPlaneAuth: "sas", hubSku: "S1", hubUnits: 2, retryMinutes: 3 });
    const { id, outs } = await p.create(inputs);
    assert.equal(id, inputs.deviceId);
    const s = stored(inputs.deviceId);
    assert.deepEqual(outs, { ...inputs, etag: s.etag, generationId: s.generationId });
    assert.deepEqual(hub.sent("PUT", `/devices/${inputs.deviceId}`)[0].body, {
      deviceId: inputs.deviceId,
      status: "enabled",
      capabilities: { iotEdge: true },
      authentication: { type: "selfSigned", x509Thumbprint: { primaryThumbprint: THUMB_A.toUpperCase(), secondaryThumbprint: THUMB_A.toUpperCase() } },
    });
    assert.deepEqual(seen.at(-1), { hostName: hub.hostName, auth: "sas", keyName: "iothubowner", key: KEY, throttle: { sku: "S1", units: 2 }, retryBudgetMs: 180_000 });
  });

  test("EdgeDevice create with sas: the outputs carry the hub's keys and the connection string built from the primary", async () => {
    const p = edgeDeviceProviderWith(connect);
    const inputs = deviceInputs({ auth: { type: "sas" } });
    const { outs } = await p.create(inputs);
    const s = stored(inputs.deviceId);
    const keys = s.authentication.symmetricKey!;
    assert.deepEqual(outs, {
      ...inputs,
      etag: s.etag,
      generationId: s.generationId,
      primaryKey: keys.primaryKey,
      secondaryKey: keys.secondaryKey,
      connectionString: `HostName=${hub.hostName};DeviceId=${inputs.deviceId};SharedAccessKey=${keys.primaryKey}`,
    });
    assert.equal(Buffer.from(keys.secondaryKey, "base64").length, 32);
  });

  test("EdgeDevice create without tags sets none and sends no twin patch", async () => {
    const p = edgeDeviceProviderWith(connect);
    for (const inputs of [deviceInputs({ tags: {} }), { ...deviceInputs(), tags: undefined } as unknown as EdgeDeviceInputs]) {
      const { outs } = await p.create(inputs);
      assert.deepEqual(outs?.tags, {});
      assert.equal(hub.sent("PATCH", `/twins/${inputs.deviceId}`).length, 0);
    }
  });

  test("EdgeDevice create and update refuse invalid inputs before calling the hub, naming the device and each problem", async () => {
    const p = edgeDeviceProviderWith(connect);
    const before = hub.requests.length;
    const bad = deviceInputs({ deviceId: "bad id", tags: { "a.b": "x" } });
    const message = "EdgeDevice 'bad id': deviceId: device id 'bad id' must be 1-128 of A-Z a-z 0-9 - : . + % _ # * ? ! ( ) , = @ ; $ '; tags: tag name 'a.b' may not contain '.', '$', spaces or control characters";
    await assert.rejects(p.create(bad), { message });
    await assert.rejects(p.update!("bad id", { ...bad, etag: "e", generationId: "g" }, bad), { message });
    assert.equal(hub.requests.length, before);
  });

  test("EdgeDevice partial create: the whole reason, the reasons list, and no __provider key when the inputs had none", async () => {
    const p = edgeDeviceProviderWith(connect);
    const inputs = deviceInputs();
    hub.inject({ method: "PATCH", path: `/twins/${inputs.deviceId}` }, { kind: "status", status: 400, body: { Message: "bad tags" } });
    await assert.rejects(p.create(inputs), (err: PartialCreateError) => {
      const reason = `IoT Hub updateTwinTags of twin of device '${inputs.deviceId}' failed after 1 attempt(s): HTTP 400: {"Message":"bad tags"}`;
      assert.equal(err.name, "PartialCreateError");
      assert.equal(err.message, `EdgeDevice '${inputs.deviceId}' was created but its twin tags were not set: ${reason}`);
      assert.deepEqual(err.reasons, [reason]);
      const s = stored(inputs.deviceId);
      assert.deepEqual(err.properties, { ...inputs, tags: {}, etag: s.etag, generationId: s.generationId });
      return true;
    });
  });

  test("EdgeDevice read: the declared auth is kept when the hub holds the same pair, tags are only the declared ones, etag and generation are the hub's", async () => {
    const p = edgeDeviceProviderWith(connect);
    const inputs = deviceInputs({ tags: { environment: "dev", site: "a" } });
    const { outs } = await p.create(inputs);
    // Another tool adds a tag and removes one of ours.
    await connect(connectOptions(inputs)).updateTwinTags(inputs.deviceId, { site: null, owner: "ops" });
    const read = await p.read!(inputs.deviceId, outs!);
    const s = stored(inputs.deviceId);
    assert.equal(read.id, inputs.deviceId);
    assert.deepEqual(read.props, { ...inputs, tags: { environment: "dev" }, etag: s.etag, generationId: s.generationId });
  });

  test("EdgeDevice read: thumbprints changed on the hub are read back as both, upper case; a sas device reads back as sas with its keys", async () => {
    const p = edgeDeviceProviderWith(connect);
    const inputs = deviceInputs();
    const { outs } = await p.create(inputs);
    hub.devices.set(inputs.deviceId, { ...hub.devices.get(inputs.deviceId)!, authentication: { type: "selfSigned", x509Thumbprint: { primaryThumbprint: THUMB_B, secondaryThumbprint: THUMB_A } } });
    assert.deepEqual((await p.read!(inputs.deviceId, outs!)).props?.auth, { type: "selfSigned", primaryThumbprint: THUMB_B.toUpperCase(), secondaryThumbprint: THUMB_A.toUpperCase() });
    hub.devices.set(inputs.deviceId, { ...hub.devices.get(inputs.deviceId)!, authentication: { type: "sas", symmetricKey: { primaryKey: "cA==", secondaryKey: "cw==" } } });
    const props = (await p.read!(inputs.deviceId, outs!)).props as EdgeDeviceOutputs;
    assert.deepEqual(props.auth, { type: "sas" });
    assert.equal(props.primaryKey, "cA==");
    assert.equal(props.secondaryKey, "cw==");
  });

  test("EdgeDevice read and delete: a gone hub reads as gone and deletes as done; other failures are thrown; no state reads as no state", async () => {
    const p = edgeDeviceProviderWith(connect);
    const inputs = deviceInputs();
    const { outs } = await p.create(inputs);
    assert.deepEqual(await p.read!("x", undefined as unknown as EdgeDeviceOutputs), { id: "x", props: undefined });
    hub.inject({ path: `/devices/${inputs.deviceId}` }, { kind: "status", status: 400, body: { Message: "no" } }, { kind: "status", status: 400, body: { Message: "no" } });
    await assert.rejects(p.read!(inputs.deviceId, outs!), /getDevice of device 'life-\d+' failed after 1 attempt\(s\): HTTP 400/);
    await assert.rejects(p.delete!(inputs.deviceId, outs!), /deleteDevice of device 'life-\d+' failed after 1 attempt\(s\): HTTP 400/);
    hub.gone = true;
    try {
      assert.deepEqual(await p.read!(inputs.deviceId, outs!), {});
      await p.delete!(inputs.deviceId, outs!);
    } finally {
      hub.gone = false;
    }
    assert.equal(hub.devices.has(inputs.deviceId), true, "nothing was deleted while the hub answered as gone");
  });

  test("EdgeDevice update of tags alone neither reads nor writes the identity, and keeps the state's etag and generation", async () => {
    const p = edgeDeviceProviderWith(connect);
    const inputs = deviceInputs();
    const { outs } = await p.create(inputs);
    const before = hub.sent("GET", `/devices/${inputs.deviceId}`).length + hub.sent("PUT", `/devices/${inputs.deviceId}`).length;
    const olds = { ...outs!, etag: "state-etag", generationId: "state-gen" };
    const { outs: updated } = await p.update!(inputs.deviceId, olds, { ...inputs, tags: { environment: "prod" } });
    assert.equal(hub.sent("GET", `/devices/${inputs.deviceId}`).length + hub.sent("PUT", `/devices/${inputs.deviceId}`).length, before);
    assert.deepEqual(updated, { ...inputs, tags: { environment: "prod" }, etag: "state-etag", generationId: "state-gen" });
  });

  test("EdgeDevice update with nothing changed calls the hub not at all", async () => {
    const p = edgeDeviceProviderWith(connect);
    const inputs = deviceInputs();
    const { outs } = await p.create(inputs);
    const before = hub.requests.length;
    await p.update!(inputs.deviceId, outs!, { ...inputs, tags: { environment: "dev" } });
    assert.equal(hub.requests.length, before);
  });

  test("EdgeDevice update from X.509 to sas mints keys and returns the hub's; back to X.509 drops them; iotEdge is set again", async () => {
    const p = edgeDeviceProviderWith(connect);
    const inputs = deviceInputs();
    const { outs } = await p.create(inputs);
    // An operator cleared the edge capability.
    hub.devices.set(inputs.deviceId, { ...hub.devices.get(inputs.deviceId)!, capabilities: { iotEdge: false } });
    const sas = { ...inputs, auth: { type: "sas" } as const };
    const { outs: asSas } = await p.update!(inputs.deviceId, outs!, sas);
    const s = stored(inputs.deviceId);
    assert.equal(s.capabilities.iotEdge, true);
    assert.equal(s.authentication.type, "sas");
    assert.deepEqual(asSas, {
      ...sas,
      etag: s.etag,
      generationId: s.generationId,
      primaryKey: s.authentication.symmetricKey!.primaryKey,
      secondaryKey: s.authentication.symmetricKey!.secondaryKey,
      connectionString: `HostName=${hub.hostName};DeviceId=${inputs.deviceId};SharedAccessKey=${s.authentication.symmetricKey!.primaryKey}`,
    });
    assert.equal(Buffer.from(asSas!.primaryKey!, "base64").length, 32);
    const { outs: back } = await p.update!(inputs.deviceId, asSas!, inputs);
    const s2 = stored(inputs.deviceId);
    assert.deepEqual(back, { ...inputs, etag: s2.etag, generationId: s2.generationId });
  });

  const content = { modulesContent: { $edgeHub: { "properties.desired": { schemaVersion: "1.1", routes: {} } } } };
  const deploymentInputs = (over: Partial<EdgeDeploymentInputs> = {}): EdgeDeploymentInputs => ({
    ...conn(),
    configurationId: deploymentConfigurationId(`life-${++n}`, content),
    content,
    targetCondition: "tags.environment='dev'",
    priority: 10,
    labels: { stack: "dev" },
    ...over,
  });
  const storedConfig = (id: string) => hub.configurations.get(id) as { etag: string; targetCondition: string; priority: number; labels: Record<string, string>; content: unknown };

  test("EdgeDeployment create: one PUT without If-Match; the outputs are the inputs and the hub's etag; missing labels are sent and kept as {}", async () => {
    const p = edgeDeploymentProviderWith(connect);
    const inputs = { ...deploymentInputs(), labels: undefined } as unknown as EdgeDeploymentInputs;
    const { id, outs } = await p.create(inputs);
    assert.equal(id, inputs.configurationId);
    const puts = hub.sent("PUT", `/configurations/${id}`);
    assert.equal(puts.length, 1);
    assert.equal(puts[0].headers["if-match"], undefined);
    assert.deepEqual(puts[0].body, { id, content, targetCondition: inputs.targetCondition, priority: 10, labels: {}, schemaVersion: "1.0" });
    // The state also holds the spec's `id`, the same value as configurationId and the resource id.
    assert.deepEqual(outs, { ...inputs, id, labels: {}, etag: storedConfig(id).etag });
  });

  for (const [field, held] of [
    ["targetCondition", { targetCondition: "tags.environment='old'" }],
    ["priority", { priority: 3 }],
    ["labels", { labels: { stack: "old" } }],
  ] as const) {
    test(`EdgeDeployment create that adopts a configuration with the same content but another ${field} brings it to the declared one with its etag`, async () => {
      const p = edgeDeploymentProviderWith(connect);
      const inputs = deploymentInputs();
      const id = inputs.configurationId;
      await connect(connectOptions(inputs)).createOrUpdateConfiguration({ id, content, targetCondition: inputs.targetCondition, priority: 10, labels: { stack: "dev" }, ...held });
      const etag = storedConfig(id).etag;
      const { outs } = await p.create(inputs);
      const puts = hub.sent("PUT", `/configurations/${id}`);
      assert.deepEqual(puts.map((r) => r.headers["if-match"]), [undefined, undefined, `"${etag}"`], "the leftover's create, ours (409), the update");
      const s = storedConfig(id);
      assert.deepEqual([s.targetCondition, s.priority, s.labels], [inputs.targetCondition, 10, { stack: "dev" }]);
      assert.equal(outs?.etag, s.etag);
    });
  }

  test("EdgeDeployment create that adopts an identical configuration (labels held as none, declared as {}) does not rewrite it", async () => {
    const p = edgeDeploymentProviderWith(connect);
    const inputs = deploymentInputs({ labels: {} });
    const id = inputs.configurationId;
    await connect(connectOptions(inputs)).createOrUpdateConfiguration({ id, content, targetCondition: inputs.targetCondition, priority: 10, labels: undefined as unknown as Record<string, string> });
    const { outs } = await p.create(inputs);
    assert.equal(hub.sent("PUT", `/configurations/${id}`).length, 2, "the leftover's create and ours (409): no update");
    assert.equal(outs?.etag, storedConfig(id).etag);
  });

  test("EdgeDeployment create and update refuse invalid inputs before calling the hub", async () => {
    const p = edgeDeploymentProviderWith(connect);
    const before = hub.requests.length;
    const bad = deploymentInputs({ priority: -1 });
    const message = `EdgeDeployment '${bad.configurationId}': priority: priority must be a whole number, 0 or more (higher wins)`;
    await assert.rejects(p.create(bad), { message });
    await assert.rejects(p.update!(bad.configurationId, { ...bad, etag: "e" }, bad), { message });
    assert.equal(hub.requests.length, before);
  });

  test("EdgeDeployment read: target, priority, labels and etag are the hub's; content canonically the same keeps its declared form", async () => {
    const p = edgeDeploymentProviderWith(connect);
    const inputs = deploymentInputs();
    const { outs } = await p.create(inputs);
    const id = inputs.configurationId;
    hub.configurations.set(id, { ...hub.configurations.get(id)!, targetCondition: "tags.x='y'", priority: 7, labels: undefined, etag: "hub-etag" });
    hub.contentExtras = true;
    try {
      const read = await p.read!(id, outs!);
      assert.equal(read.id, id);
      assert.deepEqual(read.props, { ...inputs, id, targetCondition: "tags.x='y'", priority: 7, labels: {}, etag: "hub-etag" });
    } finally {
      hub.contentExtras = false;
    }
    const changed = { modulesContent: { $edgeHub: { "properties.desired": { schemaVersion: "1.2" } } }, deviceContent: { "properties.desired.x": 1 }, moduleContent: {} };
    hub.configurations.set(id, { ...hub.configurations.get(id)!, content: changed });
    const read = await p.read!(id, outs!);
    assert.deepEqual(read.props?.content, { modulesContent: changed.modulesContent, deviceContent: changed.deviceContent });
  });

  test("EdgeDeployment read and delete: gone reads as gone, a gone hub too; other failures are thrown; no state reads as no state", async () => {
    const p = edgeDeploymentProviderWith(connect);
    const inputs = deploymentInputs();
    const { outs } = await p.create(inputs);
    const id = inputs.configurationId;
    assert.deepEqual(await p.read!("x", undefined as unknown as EdgeDeploymentOutputs), { id: "x", props: undefined });
    hub.inject({ path: `/configurations/${id}` }, { kind: "status", status: 400 }, { kind: "status", status: 400 });
    await assert.rejects(p.read!(id, outs!), new RegExp(`getConfiguration of configuration '${id}' failed after 1 attempt\\(s\\): HTTP 400$`));
    await assert.rejects(p.delete!(id, outs!), new RegExp(`deleteConfiguration of configuration '${id}' failed after 1 attempt\\(s\\): HTTP 400$`));
    hub.gone = true;
    try {
      assert.deepEqual(await p.read!(id, outs!), {});
      await p.delete!(id, outs!);
    } finally {
      hub.gone = false;
    }
    assert.equal(hub.configurations.has(id), true);
    await p.delete!(id, outs!);
    assert.deepEqual(await p.read!(id, outs!), {});
  });

  test("EdgeDeployment update writes back the hub's own content with its etag; outputs carry the declared content and the new etag", async () => {
    const p = edgeDeploymentProviderWith(connect);
    const inputs = deploymentInputs();
    const { outs } = await p.create(inputs);
    const id = inputs.configurationId;
    const heldContent = storedConfig(id).content;
    const etag = storedConfig(id).etag;
    const reshaped = { modulesContent: { $edgeHub: { "properties.desired": { routes: {}, schemaVersion: "1.1" } } } };
    const news = { ...inputs, content: reshaped, priority: 20 };
    const { outs: updated } = await p.update!(id, outs!, news);
    const last = hub.sent("PUT", `/configurations/${id}`).at(-1)!;
    assert.equal(last.headers["if-match"], `"${etag}"`);
    assert.deepEqual((last.body as { content: unknown }).content, heldContent);
    assert.equal(storedConfig(id).priority, 20);
    assert.deepEqual(updated, { ...news, id, etag: storedConfig(id).etag });
  });

  test("EdgeDeployment update of a configuration deleted meanwhile creates it again, without If-Match", async () => {
    const p = edgeDeploymentProviderWith(connect);
    const inputs = deploymentInputs();
    const { outs } = await p.create(inputs);
    const id = inputs.configurationId;
    hub.configurations.delete(id);
    const { outs: updated } = await p.update!(id, outs!, { ...inputs, priority: 30 });
    assert.equal(hub.sent("PUT", `/configurations/${id}`).at(-1)?.headers["if-match"], undefined);
    assert.equal(storedConfig(id).priority, 30);
    assert.equal(updated?.etag, storedConfig(id).etag);
  });

  const modules = { modulesContent: { $edgeAgent: { "properties.desired": { schemaVersion: "1.1" } } } };

  test("EdgeDevice and EdgeDeployment check pass the new inputs through with their problems", async () => {
    const device = deviceInputs({ deviceId: "bad id" });
    assert.deepEqual(await edgeDeviceProviderWith(connect).check!({} as EdgeDeviceInputs, device), { inputs: device, failures: edgeDeviceInputProblems(device) });
    assert.equal((await edgeDeviceProviderWith(connect).check!({} as EdgeDeviceInputs, device)).failures?.length, 1);
    const deployment = deploymentInputs({ priority: -1 });
    assert.deepEqual(await edgeDeploymentProviderWith(connect).check!({} as EdgeDeploymentInputs, deployment), {
      inputs: deployment,
      failures: [{ property: "priority", reason: "priority must be a whole number, 0 or more (higher wins)" }],
    });
  });

  test("EdgeDeviceContent check judges the device id only", async () => {
    const p = edgeDeviceContentProviderWith(connect);
    const inputs = { ...conn(), deviceId: "bad id", content: modules };
    assert.deepEqual((await p.check!({} as EdgeDeviceContentInputs, inputs)).failures?.map((f) => f.property), ["deviceId"]);
    const ok = await p.check!({} as EdgeDeviceContentInputs, { ...inputs, deviceId: "ok" });
    assert.deepEqual(ok, { inputs: { ...inputs, deviceId: "ok" }, failures: [] });
  });

  test("EdgeDeviceContent create: id is hub/device; the applied generation is the declared one, else the device's, else empty", async () => {
    const devices = edgeDeviceProviderWith(connect);
    const device = deviceInputs();
    const { outs: dev } = await devices.create(device);
    const p = edgeDeviceContentProviderWith(connect);
    const inputs: EdgeDeviceContentInputs = { ...conn(), deviceId: device.deviceId, content: modules };

    const declared = await p.create({ ...inputs, deviceGenerationId: "declared-gen" });
    assert.equal(declared.id, `${hub.hostName}/${device.deviceId}`);
    assert.deepEqual(declared.outs, { ...inputs, deviceGenerationId: "declared-gen", contentHash: contentHash(modules), appliedGenerationId: "declared-gen" });
    assert.deepEqual(hub.applied.get(device.deviceId), modules);

    const read = await p.create(inputs);
    assert.deepEqual(read.outs, { ...inputs, contentHash: contentHash(modules), appliedGenerationId: dev!.generationId });
    assert.equal("deviceGenerationId" in read.outs!, false);

    const unknown = await p.create({ ...inputs, deviceGenerationId: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" });
    assert.equal(unknown.outs?.appliedGenerationId, dev!.generationId, "an unknown generation is read from the hub");

    hub.inject({ method: "GET", path: `/devices/${device.deviceId}` }, { kind: "status", status: 404 });
    assert.equal((await p.create(inputs)).outs?.appliedGenerationId, "");
  });

  test("EdgeDeviceContent read: the same generation keeps the state, a new one empties the hash, a gone device or hub reads as gone, other failures are thrown", async () => {
    const devices = edgeDeviceProviderWith(connect);
    const device = deviceInputs();
    const { outs: dev } = await devices.create(device);
    const p = edgeDeviceContentProviderWith(connect);
    const { id, outs } = await p.create({ ...conn(), deviceId: device.deviceId, content: modules });
    assert.deepEqual(await p.read!(id, undefined as unknown as EdgeDeviceContentOutputs), { id, props: undefined });
    assert.deepEqual(await p.read!(id, outs!), { id, props: outs });
    hub.devices.set(device.deviceId, { ...hub.devices.get(device.deviceId)!, generationId: "recreated" });
    assert.deepEqual(await p.read!(id, outs!), { id, props: { ...outs, contentHash: "" } });
    hub.inject({ path: `/devices/${device.deviceId}` }, { kind: "status", status: 400 });
    await assert.rejects(p.read!(id, outs!), /getDevice of device 'life-\d+' failed after 1 attempt\(s\): HTTP 400/);
    hub.gone = true;
    try {
      assert.deepEqual(await p.read!(id, outs!), {});
    } finally {
      hub.gone = false;
    }
    await devices.delete!(device.deviceId, dev!);
    assert.deepEqual(await p.read!(id, outs!), {});
  });

  test("EdgeDeviceContent update re-applies only stale content: a new generation or an emptied hash re-apply and record the generation", async () => {
    const devices = edgeDeviceProviderWith(connect);
    const device = deviceInputs();
    await devices.create(device);
    const p = edgeDeviceContentProviderWith(connect);
    const inputs: EdgeDeviceContentInputs = { ...conn(), deviceId: device.deviceId, content: modules, deviceGenerationId: "gen-1" };
    const { id, outs } = await p.create(inputs);
    const posts = () => hub.sent("POST", `/devices/${device.deviceId}/applyConfigurationContent`).length;
    assert.equal(posts(), 1);
    assert.deepEqual((await p.update!(id, outs!, inputs)).outs, outs, "current: nothing applied");
    assert.equal(posts(), 1);
    assert.deepEqual((await p.update!(id, outs!, { ...inputs, deviceGenerationId: "gen-2" })).outs, { ...outs, deviceGenerationId: "gen-2", appliedGenerationId: "gen-2" });
    assert.equal(posts(), 2);
    assert.deepEqual((await p.update!(id, { ...outs!, contentHash: "" }, inputs)).outs, outs);
    assert.equal(posts(), 3);
  });
});

describe("the production providers build their own client from the resource's inputs", () => {
  test("sas: a client signed with the policy key, aimed at https://<hubHostName> (a deleted hub's name no longer resolves: read is gone, delete is done)", async () => {
    const props = { hubHostName: "gone-hub.invalid", hubKey: KEY, keyName: "iothubowner", deviceId: "edge-1", auth: { type: "sas" }, tags: {}, etag: "e", generationId: "g" } as EdgeDeviceOutputs;
    assert.deepEqual(await edgeDeviceProvider.read!("edge-1", props), {});
    await edgeDeviceProvider.delete!("edge-1", props);
    await assert.rejects(edgeDeviceProvider.delete!("edge-1", { ...props, keyName: undefined }), {
      message: "IotHubClient needs the shared access policy name, or a Microsoft Entra token source",
    });
  });

  test("entra: a client that gets its token from the environment's service principal, with no key", async (t) => {
    const requests: string[] = [];
    const tokens = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ access_token: "entra-token", expires_in: 3600 }));
    });
    await new Promise<void>((resolve) => tokens.listen(0, "127.0.0.1", resolve));
    const saved = { ...process.env };
    t.after(() => {
      for (const k of ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_AUTHORITY_HOST"]) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
      tokens.close();
    });
    Object.assign(process.env, {
      AZURE_TENANT_ID: "tenant-1",
      AZURE_CLIENT_ID: "client-1",
      AZURE_CLIENT_SECRET: "not-a-real-secret",
      AZURE_AUTHORITY_HOST: `http://127.0.0.1:${(tokens.address() as AddressInfo).port}`,
    });
    const props = {
      hubHostName: "gone-hub.invalid", dataPlaneAuth: "entra", configurationId: "c-1", content: { modulesContent: {} },
      targetCondition: "tags.a='b'", priority: 1, labels: {}, etag: "e",
    } as EdgeDeploymentOutputs;
    assert.deepEqual(await edgeDeploymentProvider.read!("c-1", props), {});
    assert.deepEqual(requests, ["POST /tenant-1/oauth2/v2.0/token"]);
  });
});
