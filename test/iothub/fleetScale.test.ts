/**
 * The data plane at fleet scale and in the states a real hub reaches, against the fake hub with
 * the documented per-unit rates enforced (scaled in time so the tests are fast).
 *
 * Runs in a process of its own (tools/test.mjs): it counts how often the SDK serializes the
 * dynamic providers, which it does once per process, and most of its time is spent waiting.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { IotHubClient } from "../../lib/iothub/client";
import { pacingFloorSeconds } from "../../lib/iothub/limiter";
import {
  contentHash,
  deploymentConfigurationId,
  edgeDeploymentProviderWith,
  edgeDeviceContentProviderWith,
  edgeDeviceProviderWith,
  type ClientFactory,
  type EdgeDeploymentInputs,
  type EdgeDeviceInputs,
} from "../../lib/iothub/providers";
import { FakeHub } from "../helpers/fakeHub";

// A made-up policy key, not a real credential.
const KEY = Buffer.from("fleet-scale-test-policy-key-2468").toString("base64");
const THUMB = "ef".repeat(32);

let hubs = 0;
async function startHub(throttle?: { timeScale: number }): Promise<FakeHub> {
  // A host name per hub: the pacers are process-wide per host name.
  return FakeHub.start({
    key: KEY,
    keyName: "pulumi-dataplane",
    hostName: `fleet-${++hubs}-${process.pid}.azure-devices.net`,
    lifetimeMs: 60_000,
    ...(throttle ? { throttle: { sku: "S1", units: 1, timeScale: throttle.timeScale } } : {}),
  });
}

function connectTo(hub: FakeHub, extra: { timeScale?: number; retries?: number } = {}): ClientFactory {
  return (o) => new IotHubClient({ ...o, baseUrl: hub.baseUrl, timeoutMs: 2000, minDelayMs: 1, maxDelayMs: 20, maxRetryAfterMs: 2000, ...extra });
}

function device(hub: FakeHub, deviceId: string, over: Partial<EdgeDeviceInputs> = {}): EdgeDeviceInputs {
  return {
    hubHostName: hub.hostName,
    hubKey: KEY,
    keyName: "pulumi-dataplane",
    hubSku: "S1",
    hubUnits: 1,
    deviceId,
    auth: { type: "selfSigned", primaryThumbprint: THUMB },
    tags: { environment: "dev" },
    ...over,
  };
}

test("1,000 device identities on S1 x 1 are created with 0 failures, paced at the documented 100/min (time scale 30: the 10-minute floor takes 20 s)", async () => {
  const SCALE = 30;
  const hub = await startHub({ timeScale: SCALE });
  try {
    const p = edgeDeviceProviderWith(connectTo(hub, { timeScale: SCALE }));
    const t0 = performance.now();
    const results = await Promise.allSettled(Array.from({ length: 1000 }, (_, i) => p.create(device(hub, `edge-${i}`))));
    const seconds = (performance.now() - t0) / 1000;
    const failures = results.filter((r) => r.status === "rejected");
    assert.equal(failures.length, 0, String((failures[0] as PromiseRejectedResult | undefined)?.reason));
    assert.equal(hub.devices.size, 1000);
    // Time scaling shrinks the hub's one-minute window to 2 s, where a loaded machine's request
    // latency jitter can push the odd request over the limit; it is retried after Retry-After.
    // At real time the same jitter is 30 times smaller against the window.
    assert.ok(hub.throttled.registry <= 10, `the pacer let ${hub.throttled.registry} creates run into the throttle`);
    assert.equal(hub.throttled.twin, 0);
    const floor = pacingFloorSeconds({ sku: "S1", units: 1 }, { registry: 1000 }, SCALE);
    assert.equal(floor, 20);
    // Not faster than the hub allows (the fake hub would have answered 429), not much slower either.
    assert.ok(seconds >= floor * 0.98, `took ${seconds.toFixed(2)} s, below the ${floor} s floor`);
    assert.ok(seconds <= floor * 1.5, `took ${seconds.toFixed(2)} s, more than 1.5x the ${floor} s floor`);
  } finally {
    await hub.close();
  }
});

test("the fake hub enforces the rate: without pacing (no tier given), a burst of 150 creates is throttled with 429 and Retry-After", async () => {
  const SCALE = 30;
  const hub = await startHub({ timeScale: SCALE });
  try {
    const p = edgeDeviceProviderWith(connectTo(hub, { timeScale: SCALE }));
    const results = await Promise.allSettled(Array.from({ length: 150 }, (_, i) => p.create(device(hub, `burst-${i}`, { hubSku: undefined, hubUnits: undefined, tags: {} }))));
    assert.ok(hub.throttled.registry > 0, "the fake hub let a burst above 100/min through");
    // The retry budget (time, default 15 minutes) and Retry-After still bring every create home.
    assert.equal(results.filter((r) => r.status === "rejected").length, 0);
  } finally {
    await hub.close();
  }
});

test("an ambiguous create (applied, then 5xx until the client gave up) followed by a new `up` adopts the device instead of failing with 409", async () => {
  const hub = await startHub();
  try {
    const inputs = device(hub, "ambiguous-1");
    const path = "/devices/ambiguous-1";
    hub.inject({ method: "PUT", path }, { kind: "status", status: 500, applyFirst: true }, { kind: "status", status: 503 }, { kind: "status", status: 503 });
    await assert.rejects(edgeDeviceProviderWith(connectTo(hub, { retries: 2 })).create(inputs), /failed after 3 attempt\(s\): HTTP 503/);
    assert.equal(hub.devices.has("ambiguous-1"), true, "the first attempt reached the hub, and the stack recorded nothing");
    const next = await edgeDeviceProviderWith(connectTo(hub)).create(inputs);
    assert.equal(next.id, "ambiguous-1");
    assert.equal(hub.creations.get(path), 1, "adopted, not created twice");
    assert.equal(hub.sent("PUT", path).at(-1)?.headers["if-match"], undefined, "the new up tried a plain create first");
    assert.deepEqual((hub.twins.get("ambiguous-1") as { tags: unknown }).tags, { environment: "dev" });
  } finally {
    await hub.close();
  }
});

test("a deleted hub lets destroy and refresh finish: IotHubNotFound and a DNS name that no longer resolves both count as gone", async () => {
  const hub = await startHub();
  try {
    const devices = edgeDeviceProviderWith(connectTo(hub));
    const deployments = edgeDeploymentProviderWith(connectTo(hub));
    const contents = edgeDeviceContentProviderWith(connectTo(hub));
    const d = await devices.create(device(hub, "doomed"));
    const content = { modulesContent: { $edgeAgent: { "properties.desired": { schemaVersion: "1.1" } } } };
    const depInputs: EdgeDeploymentInputs = {
      hubHostName: hub.hostName, hubKey: KEY, keyName: "pulumi-dataplane", configurationId: deploymentConfigurationId("doomed", content),
      content, targetCondition: "tags.environment='dev'", priority: 10, labels: {},
    };
    const dep = await deployments.create(depInputs);
    const c = await contents.create({ hubHostName: hub.hostName, hubKey: KEY, keyName: "pulumi-dataplane", deviceId: "doomed", content });
    hub.gone = true;
    assert.deepEqual(await devices.read!("doomed", d.outs!), {});
    assert.deepEqual(await deployments.read!(dep.id, dep.outs!), {});
    assert.deepEqual(await contents.read!(c.id, c.outs!), {});
    await devices.delete!("doomed", d.outs!);
    await deployments.delete!(dep.id, dep.outs!);
    const deletes = hub.sent("DELETE").length;
    assert.equal(deletes, 2, "each delete asked once, no retries against a deleted hub");

    const unresolvable: ClientFactory = (o) => new IotHubClient({ ...o, baseUrl: "http://deleted-hub.invalid", timeoutMs: 5000 });
    await edgeDeviceProviderWith(unresolvable).delete!("doomed", d.outs!);
    assert.deepEqual(await edgeDeviceProviderWith(unresolvable).read!("doomed", d.outs!), {});
    await edgeDeploymentProviderWith(unresolvable).delete!(dep.id, dep.outs!);
  } finally {
    await hub.close();
  }
});

test("a refresh whose configuration comes back with deviceContent/moduleContent beside modulesContent keeps the declared content and yields no diff", async () => {
  const hub = await startHub();
  try {
    const p = edgeDeploymentProviderWith(connectTo(hub));
    const content = { modulesContent: { $edgeHub: { "properties.desired": { schemaVersion: "1.1", routes: { up: "FROM /messages/* INTO $upstream" } } } } };
    const inputs: EdgeDeploymentInputs = {
      hubHostName: hub.hostName, hubKey: KEY, keyName: "pulumi-dataplane", configurationId: deploymentConfigurationId("refresh", content),
      content, targetCondition: "tags.environment='dev'", priority: 10, labels: { stage: "dev" },
    };
    const { id, outs } = await p.create(inputs);
    hub.contentExtras = true;
    const read = await p.read!(id, outs!);
    assert.deepEqual(read.props?.content, content);
    const d = await p.diff!(id, read.props!, inputs);
    assert.equal(d.changes, false);
    assert.deepEqual(d.replaces, []);
  } finally {
    await hub.close();
  }
});

test("twin tags set by other tools survive refresh and update: a device manages only its own tag keys", async () => {
  const hub = await startHub();
  try {
    const p = edgeDeviceProviderWith(connectTo(hub));
    const inputs = device(hub, "shared-twin", { tags: { environment: "dev", securityAgent: "micro-agent" } });
    const { outs } = await p.create(inputs);
    // Another tool tags the same twin.
    const twin = hub.twins.get("shared-twin")!;
    hub.twins.set("shared-twin", { ...twin, tags: { ...(twin.tags as object), owner: "ops-team" } });
    const read = await p.read!("shared-twin", outs!);
    assert.deepEqual(read.props?.tags, { environment: "dev", securityAgent: "micro-agent" });
    assert.equal((await p.diff!("shared-twin", read.props!, inputs)).changes, false);
    await p.update!("shared-twin", read.props!, { ...inputs, tags: { environment: "prod" } });
    assert.deepEqual((hub.twins.get("shared-twin") as { tags: unknown }).tags, { environment: "prod", owner: "ops-team" });
    // A tag of ours removed by someone else shows as drift and is restored.
    hub.twins.set("shared-twin", { ...hub.twins.get("shared-twin")!, tags: { owner: "ops-team" } });
    const drifted = await p.read!("shared-twin", { ...outs!, tags: { environment: "prod" } });
    assert.deepEqual(drifted.props?.tags, {});
    assert.equal((await p.diff!("shared-twin", drifted.props!, { ...inputs, tags: { environment: "prod" } })).changes, true);
  } finally {
    await hub.close();
  }
});

test("a re-created device gets its single-device content again, found by refresh (generationId) or by the new generationId input", async () => {
  const hub = await startHub();
  try {
    const devices = edgeDeviceProviderWith(connectTo(hub));
    const contents = edgeDeviceContentProviderWith(connectTo(hub));
    const dev = device(hub, "recreated");
    const first = await devices.create(dev);
    const content = { modulesContent: { $edgeAgent: { "properties.desired": { schemaVersion: "1.1" } } } };
    const inputs = { hubHostName: hub.hostName, hubKey: KEY, keyName: "pulumi-dataplane", deviceId: "recreated", content, deviceGenerationId: first.outs!.generationId };
    const c = await contents.create(inputs);
    assert.equal(c.outs?.appliedGenerationId, first.outs!.generationId);
    const unchanged = await contents.read!(c.id, c.outs!);
    assert.equal((await contents.diff!(c.id, unchanged.props!, inputs)).changes, false, "nothing to do while the device is the same");

    // The device is deleted and created again outside this resource: its module twins are gone.
    await devices.delete!("recreated", first.outs!);
    hub.applied.delete("recreated");
    const second = await devices.create(dev);
    assert.notEqual(second.outs!.generationId, first.outs!.generationId);

    const refreshed = await contents.read!(c.id, c.outs!);
    assert.equal(refreshed.props?.contentHash, "");
    assert.equal((await contents.diff!(c.id, refreshed.props!, inputs)).changes, true, "refresh found the content gone");
    const viaInput = { ...inputs, deviceGenerationId: second.outs!.generationId };
    assert.equal((await contents.diff!(c.id, c.outs!, viaInput)).changes, true, "the new generationId input alone triggers the re-apply");
    const updated = await contents.update!(c.id, refreshed.props!, viaInput);
    assert.deepEqual(hub.applied.get("recreated"), content);
    assert.equal(updated.outs?.contentHash, contentHash(content));
    assert.equal(updated.outs?.appliedGenerationId, second.outs!.generationId);
  } finally {
    await hub.close();
  }
});
