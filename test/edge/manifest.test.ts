import assert from "node:assert/strict";
import { test } from "node:test";
import type { ValidateFunction } from "ajv";
import {
  assertModuleName,
  assertTwinSize,
  buildManifest,
  CLASSIC_MODULE_RETIREMENT_WARNING,
  defaultManifestOptions,
  ECHO_MODULE_IMAGE,
  type ManifestOptions,
} from "../../lib/edge/manifest";
import { checkRoutes } from "../../lib/edge/routes";
import { compileDraft04, schemaPath } from "../helpers/validators";

/** Reads a nested value of the manifest JSON; a missing step yields undefined. */
function dig(value: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), value);
}

/** Sets a nested value in a copy of the manifest JSON. */
function withValue(value: unknown, path: string[], leaf: unknown): Record<string, unknown> {
  const copy = structuredClone(value) as Record<string, unknown>;
  const parent = dig(copy, ...path.slice(0, -1)) as Record<string, unknown>;
  parent[path[path.length - 1]] = leaf;
  return copy;
}

const AGENT = ["$edgeAgent", "properties.desired"];
const HUB = ["$edgeHub", "properties.desired"];

const options = (over: Partial<ManifestOptions> = {}): ManifestOptions => ({ ...defaultManifestOptions(), ...over });
const classic = (over: Partial<ManifestOptions> = {}) => options({ securityAgent: "classic-module", ...over });

const VARIANTS: [string, ManifestOptions][] = [
  ["micro-agent", options()],
  ["classic-module", classic()],
  ["classic-module with echo and debug logging", classic({ echoModule: true, debugLogging: true })],
  ["none", options({ securityAgent: "none" })],
  ["none on IoT Edge 1.5", options({ securityAgent: "none", iotEdgeVersion: "1.5" })],
];

function validators(): { whole: ValidateFunction; agent: ValidateFunction; hub: ValidateFunction } {
  const paths = ["azure-iot-edge-deployment-2.0.json", "azure-iot-edgeagent-deployment-1.1.json", "azure-iot-edgehub-deployment-1.1.json"].map((f) =>
    schemaPath(`iot-edge/${f}`),
  );
  const [whole, agent, hub] = paths.map((p) => compileDraft04([p]));
  return { whole, agent, hub };
}

function validate(v: ValidateFunction, doc: unknown): string[] {
  return v(doc) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

for (const [name, o] of VARIANTS) {
  test(`the ${name} manifest validates against the deployment 2.0, edgeAgent 1.1 and edgeHub 1.1 schemas`, () => {
    const v = validators();
    const { modulesContent } = buildManifest(o);
    assert.deepEqual(validate(v.whole, { modulesContent }), []);
    assert.deepEqual(validate(v.agent, { $edgeAgent: modulesContent.$edgeAgent }), []);
    assert.deepEqual(validate(v.hub, { $edgeHub: modulesContent.$edgeHub }), []);
  });
}

test("each schema rejects a deliberately broken manifest", () => {
  const v = validators();
  const good = buildManifest(classic()).modulesContent;
  // createOptions must be a JSON string, not an object.
  const m = withValue(good, [...AGENT, "modules", "azureiotsecurity", "settings", "createOptions"], { HostConfig: {} });
  assert.ok(validate(v.whole, { modulesContent: m }).some((e) => e.includes("createOptions")));
  assert.ok(validate(v.agent, { $edgeAgent: m.$edgeAgent }).some((e) => e.includes("createOptions")));
  // Route priorities run from 0 to 9.
  const h = withValue(good, [...HUB, "routes", "securityToUpstream", "priority"], 12);
  assert.ok(validate(v.hub, { $edgeHub: h.$edgeHub }).some((e) => e.includes("securityToUpstream")));
  assert.ok(validate(v.whole, { modulesContent: h }).some((e) => e.includes("securityToUpstream")));
});

test("system modules use the configured IoT Edge version and schemaVersion 1.1", () => {
  for (const version of ["1.5", "1.6"] as const) {
    const m = buildManifest(options({ iotEdgeVersion: version })).modulesContent;
    assert.equal(dig(m, ...AGENT, "schemaVersion"), "1.1");
    assert.equal(dig(m, ...HUB, "schemaVersion"), "1.1");
    assert.equal(dig(m, ...AGENT, "systemModules", "edgeAgent", "settings", "image"), `mcr.microsoft.com/azureiotedge-agent:${version}`);
    assert.equal(dig(m, ...AGENT, "systemModules", "edgeHub", "settings", "image"), `mcr.microsoft.com/azureiotedge-hub:${version}`);
    assert.equal(dig(m, ...AGENT, "runtime", "type"), "docker");
    assert.equal(typeof dig(m, ...AGENT, "runtime", "settings", "minDockerVersion"), "string");
  }
});

test("store-and-forward TTL comes from the options", () => {
  const m = buildManifest(options({ storeAndForwardTtlSecs: 3600 })).modulesContent;
  assert.deepEqual(dig(m, ...HUB, "storeAndForwardConfiguration"), { timeToLiveSecs: 3600 });
  assert.throws(() => buildManifest(options({ storeAndForwardTtlSecs: -1 })), /storeAndForwardTtlSecs/);
});

test("classic-module reproduces the blog: image, create options, wrapped twin values, route to $upstream", () => {
  const o = classic({ classic: { ...defaultManifestOptions().classic, imageTag: "0.0.3", eventPriorities: { ProcessCreate: "High", Login: "Off" } } });
  const m = buildManifest(o).modulesContent;
  const mod = [...AGENT, "modules", "azureiotsecurity"];
  assert.equal(dig(m, ...mod, "settings", "image"), "mcr.microsoft.com/ascforiot/azureiotsecurity:0.0.3");
  const createOptions = dig(m, ...mod, "settings", "createOptions");
  assert.equal(typeof createOptions, "string");
  assert.deepEqual(JSON.parse(String(createOptions)), {
    NetworkingConfig: { EndpointsConfig: { host: {} } },
    HostConfig: { Privileged: true, NetworkMode: "host", PidMode: "host", Binds: ["/:/host"] },
  });
  assert.deepEqual(dig(m, "azureiotsecurity", "properties.desired", "ms_iotn:urn_azureiot_Security_SecurityAgentConfiguration"), {
    highPriorityMessageFrequency: { value: "PT7M" },
    lowPriorityMessageFrequency: { value: "PT5H" },
    snapshotFrequency: { value: "PT13H" },
    maxLocalCacheSizeInBytes: { value: 2560000 },
    maxMessageSizeInBytes: { value: 204800 },
    eventPriorityProcessCreate: { value: "High" },
    eventPriorityLogin: { value: "Off" },
  });
  assert.equal(dig(m, ...HUB, "routes", "securityToUpstream", "route"), "FROM /messages/modules/azureiotsecurity/* INTO $upstream");
  assert.equal(dig(m, ...mod, "env"), undefined);
  assert.equal(dig(m, ...AGENT, "modules", "echo"), undefined);
  // AMQP to edgeHub stays on and is reachable from the host network the module runs in.
  const edgeHub = [...AGENT, "systemModules", "edgeHub"];
  assert.equal(dig(m, ...edgeHub, "env", "amqpSettings__enabled"), undefined);
  const hubOptions = JSON.parse(String(dig(m, ...edgeHub, "settings", "createOptions"))) as unknown;
  assert.deepEqual(dig(hubOptions, "HostConfig", "PortBindings", "5671/tcp"), [{ HostPort: "5671" }]);
});

test("echo and debug logging add the echo module, its route and logLevel=Debug", () => {
  const m = buildManifest(classic({ echoModule: true, debugLogging: true })).modulesContent;
  assert.deepEqual(dig(m, ...AGENT, "modules", "azureiotsecurity", "env"), { logLevel: { value: "Debug" } });
  assert.equal(dig(m, ...AGENT, "modules", "echo", "settings", "image"), ECHO_MODULE_IMAGE);
  assert.match(ECHO_MODULE_IMAGE, /:\d+\.\d+\.\d+/, "the echo image is pinned to a version");
  const routes = dig(m, ...HUB, "routes") as Record<string, { route: string }>;
  assert.equal(routes.securityToEcho.route, 'FROM /messages/modules/azureiotsecurity/* INTO BrokeredEndpoint("/modules/echo/inputs/input1")');
  assert.doesNotThrow(() => checkRoutes(routes, Object.keys(dig(m, ...AGENT, "modules") as object)));
});

test("micro-agent mode carries only the DefenderIotMicroAgent twin: no container, no route, no published ports", () => {
  const o = options({ microAgent: { priorityIntervalsMinutes: { high: 60, medium: 120, low: 480 }, collectors: { Process: { messageFrequency: "High" }, FileSystem: { disabled: true } } } });
  const m = buildManifest(o).modulesContent;
  assert.deepEqual(dig(m, ...AGENT, "modules"), {});
  assert.deepEqual(dig(m, ...HUB, "routes"), {});
  assert.equal(dig(m, ...AGENT, "systemModules", "edgeHub", "settings", "createOptions"), "{}");
  assert.deepEqual(m.DefenderIotMicroAgent, {
    "properties.desired": { CollectorsCore_PriorityIntervals: "60,120,480", Process_MessageFrequency: "High", FileSystem_Disabled: true },
  });
  assert.deepEqual(Object.keys(m).sort(), ["$edgeAgent", "$edgeHub", "DefenderIotMicroAgent"]);
});

test("none mode has only the system modules", () => {
  const m = buildManifest(options({ securityAgent: "none" })).modulesContent;
  assert.deepEqual(Object.keys(m).sort(), ["$edgeAgent", "$edgeHub"]);
  assert.deepEqual(dig(m, ...AGENT, "modules"), {});
});

test("echo or debug logging without the classic module is rejected with the reason", () => {
  assert.throws(() => buildManifest(options({ echoModule: true })), /echoModule needs securityAgent "classic-module".*"micro-agent"/);
  assert.throws(() => buildManifest(options({ securityAgent: "none", debugLogging: true })), /debugLogging sets logLevel on the classic security module/);
});

test("invalid classic settings are rejected naming the setting", () => {
  const c = defaultManifestOptions().classic;
  const bad: [Partial<ManifestOptions["classic"]>, RegExp][] = [
    [{ imageTag: "latest tag" }, /classic.imageTag/],
    [{ highPriorityMessageFrequency: "7 minutes" }, /classic.highPriorityMessageFrequency '7 minutes' must be an ISO-8601 duration/],
    [{ snapshotFrequency: "PT" }, /classic.snapshotFrequency/],
    [{ maxLocalCacheSizeInBytes: 8191 }, /maxLocalCacheSizeInBytes must be a whole number of at least 8192/],
    [{ maxMessageSizeInBytes: 262_145 }, /maxMessageSizeInBytes must be a whole number from 8192 to 262144/],
    [{ maxMessageSizeInBytes: 8191 }, /maxMessageSizeInBytes/],
    [{ eventPriorities: { "Process.Create": "High" } }, /event name 'Process.Create'/],
    [{ eventPriorities: { ProcessCreate: "Urgent" as "High" } }, /eventPriorities.ProcessCreate must be Off, Low or High/],
  ];
  for (const [over, message] of bad) assert.throws(() => buildManifest(classic({ classic: { ...c, ...over } })), message);
  assert.doesNotThrow(() => buildManifest(classic({ classic: { ...c, maxMessageSizeInBytes: 262_144, maxLocalCacheSizeInBytes: 8192, snapshotFrequency: "P1DT2H" } })));
});

test("invalid micro agent settings are rejected", () => {
  const m = (o: ManifestOptions["microAgent"]) => () => buildManifest(options({ microAgent: o }));
  assert.throws(m({ priorityIntervalsMinutes: { high: 0, medium: 120, low: 1440 } }), /high must be a whole number of minutes above 0/);
  assert.throws(m({ priorityIntervalsMinutes: { high: 240, medium: 120, low: 1440 } }), /high <= medium <= low/);
  assert.throws(m({ priorityIntervalsMinutes: { high: 30, medium: 120, low: 1440 }, collectors: { Keylogger: { disabled: true } } as never }), /unknown collector 'Keylogger'/);
});

test("module names follow the IoT Edge rules", () => {
  for (const ok of ["azureiotsecurity", "echo", "DefenderIotMicroAgent", "my_module-2"]) assert.doesNotThrow(() => assertModuleName(ok));
  assert.throws(() => assertModuleName("$edgeHub"), /module name '\$edgeHub' must be/);
  assert.throws(() => assertModuleName("my.module"), /must be 1-128/);
  assert.throws(() => assertModuleName(""), /must be 1-128/);
  assert.throws(() => assertModuleName("edgeHub"), /reserved/);
});

test("a module twin over 32 KB of desired properties is refused with its size", () => {
  // {"a":"…"} is 8 bytes around the value; é is 2 bytes in UTF-8, so bytes are counted, not characters.
  assert.equal(assertTwinSize("m", { a: "x".repeat(100) }), 108);
  assert.equal(assertTwinSize("m", { a: "é".repeat(16_380) }), 32_768);
  assert.throws(() => assertTwinSize("m", { a: "é".repeat(16_381) }), /desired properties of module twin 'm' are 32770 bytes; IoT Hub allows at most 32768/);
  const many = Object.fromEntries(Array.from({ length: 1200 }, (_, i) => [`CustomEvent${i}`, "High" as const]));
  assert.throws(
    () => buildManifest(classic({ classic: { ...defaultManifestOptions().classic, eventPriorities: many } })),
    /desired properties of module twin 'azureiotsecurity' are \d+ bytes; IoT Hub allows at most 32768/,
  );
});

test("the retirement warning states the end of support and the edgeHub limit", () => {
  assert.match(CLASSIC_MODULE_RETIREMENT_WARNING, /2022-03-01/);
  assert.match(CLASSIC_MODULE_RETIREMENT_WARNING, /edgeHub 1\.0\.8\.3 or older/);
});

test("unknown agent modes and versions are rejected", () => {
  assert.throws(() => buildManifest(options({ securityAgent: "classic" as never })), /securityAgent must be/);
  assert.throws(() => buildManifest(options({ iotEdgeVersion: "1.4" as never })), /iotEdgeVersion must be/);
});
