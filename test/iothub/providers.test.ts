import assert from "node:assert/strict";
import { createHash } from "node:crypto";
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
  type EdgeDeploymentInputs,
  type EdgeDeploymentOutputs,
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

  test("under Pulumi mocks, many EdgeDevices register as dynamic resources, serializing each provider once (speed is measured by npm run bench)", async (t) => {
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

    const N = 200;
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
