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
  manifestRoutes,
  MICRO_AGENT_COLLECTORS,
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

// Whole manifests, written out here from the blog and Microsoft's documentation, not produced by the code.
const SYSTEM_MODULES = (version: string, hubCreateOptions: string) => ({
  edgeAgent: { type: "docker", settings: { image: `mcr.microsoft.com/azureiotedge-agent:${version}`, createOptions: "{}" } },
  edgeHub: {
    type: "docker",
    status: "running",
    restartPolicy: "always",
    startupOrder: 0,
    settings: { image: `mcr.microsoft.com/azureiotedge-hub:${version}`, createOptions: hubCreateOptions },
  },
});
const RUNTIME = { type: "docker", settings: { minDockerVersion: "v1.25", loggingOptions: "" } };
const HUB_PORTS = '{"HostConfig":{"PortBindings":{"5671/tcp":[{"HostPort":"5671"}],"8883/tcp":[{"HostPort":"8883"}],"443/tcp":[{"HostPort":"443"}]}}}';
const SECURITY_CREATE_OPTIONS = '{"NetworkingConfig":{"EndpointsConfig":{"host":{}}},"HostConfig":{"Privileged":true,"NetworkMode":"host","PidMode":"host","Binds":["/:/host"]}}';
const UPSTREAM_ROUTE = "FROM /messages/modules/azureiotsecurity/* INTO $upstream";
const ECHO_ROUTE = 'FROM /messages/modules/azureiotsecurity/* INTO BrokeredEndpoint("/modules/echo/inputs/input1")';

test("the defaults are Microsoft's and the blog's", () => {
  assert.deepEqual(defaultManifestOptions(), {
    iotEdgeVersion: "1.6",
    securityAgent: "micro-agent",
    storeAndForwardTtlSecs: 7200,
    classic: {
      imageTag: "1.0.2",
      highPriorityMessageFrequency: "PT7M",
      lowPriorityMessageFrequency: "PT5H",
      snapshotFrequency: "PT13H",
      maxLocalCacheSizeInBytes: 2_560_000,
      maxMessageSizeInBytes: 204_800,
      eventPriorities: {},
    },
    microAgent: { priorityIntervalsMinutes: { high: 30, medium: 120, low: 1440 } },
    echoModule: false,
    debugLogging: false,
  });
});

test("the default (micro-agent, IoT Edge 1.6) manifest in full", () => {
  assert.deepEqual(buildManifest(defaultManifestOptions()).modulesContent, {
    $edgeAgent: { "properties.desired": { schemaVersion: "1.1", runtime: RUNTIME, systemModules: SYSTEM_MODULES("1.6", "{}"), modules: {} } },
    $edgeHub: { "properties.desired": { schemaVersion: "1.1", routes: {}, storeAndForwardConfiguration: { timeToLiveSecs: 7200 } } },
    DefenderIotMicroAgent: { "properties.desired": { CollectorsCore_PriorityIntervals: "30,120,1440" } },
  });
});

test("the none manifest on IoT Edge 1.5 in full", () => {
  assert.deepEqual(buildManifest(options({ securityAgent: "none", iotEdgeVersion: "1.5", storeAndForwardTtlSecs: 0 })).modulesContent, {
    $edgeAgent: { "properties.desired": { schemaVersion: "1.1", runtime: RUNTIME, systemModules: SYSTEM_MODULES("1.5", "{}"), modules: {} } },
    $edgeHub: { "properties.desired": { schemaVersion: "1.1", routes: {}, storeAndForwardConfiguration: { timeToLiveSecs: 0 } } },
  });
});

test("the classic-module manifest (defaults) in full", () => {
  assert.deepEqual(buildManifest(classic()).modulesContent, {
    $edgeAgent: {
      "properties.desired": {
        schemaVersion: "1.1",
        runtime: RUNTIME,
        systemModules: SYSTEM_MODULES("1.6", HUB_PORTS),
        modules: {
          azureiotsecurity: {
            version: "1.0",
            type: "docker",
            status: "running",
            restartPolicy: "always",
            settings: { image: "mcr.microsoft.com/ascforiot/azureiotsecurity:1.0.2", createOptions: SECURITY_CREATE_OPTIONS },
          },
        },
      },
    },
    $edgeHub: {
      "properties.desired": {
        schemaVersion: "1.1",
        routes: { securityToUpstream: { route: UPSTREAM_ROUTE, priority: 0, timeToLiveSecs: 7200 } },
        storeAndForwardConfiguration: { timeToLiveSecs: 7200 },
      },
    },
    azureiotsecurity: {
      "properties.desired": {
        "ms_iotn:urn_azureiot_Security_SecurityAgentConfiguration": {
          highPriorityMessageFrequency: { value: "PT7M" },
          lowPriorityMessageFrequency: { value: "PT5H" },
          snapshotFrequency: { value: "PT13H" },
          maxLocalCacheSizeInBytes: { value: 2560000 },
          maxMessageSizeInBytes: { value: 204800 },
        },
      },
    },
  });
});

test("the classic-module manifest with echo, debug logging, IoT Edge 1.5 and its own settings in full", () => {
  const o = classic({
    iotEdgeVersion: "1.5",
    storeAndForwardTtlSecs: 3600,
    echoModule: true,
    debugLogging: true,
    classic: {
      imageTag: "0.0.3",
      highPriorityMessageFrequency: "PT1M",
      lowPriorityMessageFrequency: "P1D",
      snapshotFrequency: "PT1H30M",
      maxLocalCacheSizeInBytes: 8192,
      maxMessageSizeInBytes: 262_144,
      eventPriorities: { ProcessCreate: "High", Login: "Low", ConnectionCreate: "Off" },
    },
  });
  assert.deepEqual(buildManifest(o).modulesContent, {
    $edgeAgent: {
      "properties.desired": {
        schemaVersion: "1.1",
        runtime: RUNTIME,
        systemModules: SYSTEM_MODULES("1.5", HUB_PORTS),
        modules: {
          azureiotsecurity: {
            version: "1.0",
            type: "docker",
            status: "running",
            restartPolicy: "always",
            settings: { image: "mcr.microsoft.com/ascforiot/azureiotsecurity:0.0.3", createOptions: SECURITY_CREATE_OPTIONS },
            env: { logLevel: { value: "Debug" } },
          },
          echo: {
            version: "1.0",
            type: "docker",
            status: "running",
            restartPolicy: "always",
            settings: { image: "iotedgefoundation/iot-edge-echo:3.0.7-amd64", createOptions: "{}" },
          },
        },
      },
    },
    $edgeHub: {
      "properties.desired": {
        schemaVersion: "1.1",
        routes: {
          securityToUpstream: { route: UPSTREAM_ROUTE, priority: 0, timeToLiveSecs: 3600 },
          securityToEcho: { route: ECHO_ROUTE, priority: 9, timeToLiveSecs: 0 },
        },
        storeAndForwardConfiguration: { timeToLiveSecs: 3600 },
      },
    },
    azureiotsecurity: {
      "properties.desired": {
        "ms_iotn:urn_azureiot_Security_SecurityAgentConfiguration": {
          highPriorityMessageFrequency: { value: "PT1M" },
          lowPriorityMessageFrequency: { value: "P1D" },
          snapshotFrequency: { value: "PT1H30M" },
          maxLocalCacheSizeInBytes: { value: 8192 },
          maxMessageSizeInBytes: { value: 262144 },
          eventPriorityProcessCreate: { value: "High" },
          eventPriorityLogin: { value: "Low" },
          eventPriorityConnectionCreate: { value: "Off" },
        },
      },
    },
  });
});

test("classic-module with only echo, or only debug logging, gets only that", () => {
  const echoOnly = buildManifest(classic({ echoModule: true })).modulesContent;
  assert.equal(dig(echoOnly, ...AGENT, "modules", "azureiotsecurity", "env"), undefined);
  assert.deepEqual(Object.keys(dig(echoOnly, ...AGENT, "modules") as object), ["azureiotsecurity", "echo"]);
  const debugOnly = buildManifest(classic({ debugLogging: true })).modulesContent;
  assert.deepEqual(dig(debugOnly, ...AGENT, "modules", "azureiotsecurity", "env"), { logLevel: { value: "Debug" } });
  assert.deepEqual(Object.keys(dig(debugOnly, ...AGENT, "modules") as object), ["azureiotsecurity"]);
  assert.deepEqual(dig(debugOnly, ...HUB, "routes"), { securityToUpstream: { route: UPSTREAM_ROUTE, priority: 0, timeToLiveSecs: 7200 } });
});

test("manifestRoutes: none without the classic module, the upstream route, and the echo route only with echo", () => {
  assert.deepEqual(manifestRoutes(options()), {});
  assert.deepEqual(manifestRoutes(options({ securityAgent: "none" })), {});
  assert.deepEqual(manifestRoutes(options({ echoModule: true })), {}, "echo needs the classic module's messages");
  assert.deepEqual(manifestRoutes(classic({ storeAndForwardTtlSecs: 60 })), { securityToUpstream: { route: UPSTREAM_ROUTE, priority: 0, timeToLiveSecs: 60 } });
  assert.deepEqual(manifestRoutes(classic({ echoModule: true })), {
    securityToUpstream: { route: UPSTREAM_ROUTE, priority: 0, timeToLiveSecs: 7200 },
    securityToEcho: { route: ECHO_ROUTE, priority: 9, timeToLiveSecs: 0 },
  });
});

test("the micro agent twin: every collector, both frequencies and disabled true or false", () => {
  const collectors = Object.fromEntries(MICRO_AGENT_COLLECTORS.map((c, i) => [c, { disabled: i % 2 === 0, messageFrequency: (["Low", "Medium", "High"] as const)[i % 3] }]));
  const m = buildManifest(options({ microAgent: { priorityIntervalsMinutes: { high: 1, medium: 1, low: 1 }, collectors } })).modulesContent;
  assert.deepEqual(m.DefenderIotMicroAgent, {
    "properties.desired": {
      CollectorsCore_PriorityIntervals: "1,1,1",
      Baseline_Disabled: true,
      Baseline_MessageFrequency: "Low",
      SystemInformation_Disabled: false,
      SystemInformation_MessageFrequency: "Medium",
      SBoM_Disabled: true,
      SBoM_MessageFrequency: "High",
      Heartbeat_Disabled: false,
      Heartbeat_MessageFrequency: "Low",
      Login_Disabled: true,
      Login_MessageFrequency: "Medium",
      NetworkActivity_Disabled: false,
      NetworkActivity_MessageFrequency: "High",
      Process_Disabled: true,
      Process_MessageFrequency: "Low",
      LogCollector_Disabled: false,
      LogCollector_MessageFrequency: "Medium",
      FileSystem_Disabled: true,
      FileSystem_MessageFrequency: "High",
      Peripheral_Disabled: false,
      Peripheral_MessageFrequency: "Low",
      Statistics_Disabled: true,
      Statistics_MessageFrequency: "Medium",
    },
  });
  const empty = buildManifest(options({ microAgent: { priorityIntervalsMinutes: { high: 30, medium: 120, low: 1440 }, collectors: { Process: {} } } })).modulesContent;
  assert.deepEqual(empty.DefenderIotMicroAgent, { "properties.desired": { CollectorsCore_PriorityIntervals: "30,120,1440" } }, "a collector with no settings adds nothing");
});

test("micro agent intervals: 1 minute and equal intervals pass; 0, fractions and a decreasing order fail with the whole message", () => {
  const run = (high: number, medium: number, low: number) => () => buildManifest(options({ microAgent: { priorityIntervalsMinutes: { high, medium, low } } }));
  assert.doesNotThrow(run(1, 1, 1));
  assert.doesNotThrow(run(5, 5, 6));
  assert.doesNotThrow(run(5, 6, 6));
  assert.throws(run(0, 120, 1440), { message: "microAgent.priorityIntervalsMinutes.high must be a whole number of minutes above 0, not 0" });
  assert.throws(run(30, 0, 1440), { message: "microAgent.priorityIntervalsMinutes.medium must be a whole number of minutes above 0, not 0" });
  assert.throws(run(30, 120, 0), { message: "microAgent.priorityIntervalsMinutes.low must be a whole number of minutes above 0, not 0" });
  assert.throws(run(30, 120, -5), { message: "microAgent.priorityIntervalsMinutes.low must be a whole number of minutes above 0, not -5" });
  assert.throws(run(1.5, 120, 1440), { message: "microAgent.priorityIntervalsMinutes.high must be a whole number of minutes above 0, not 1.5" });
  assert.throws(run(30, 120.5, 1440), { message: "microAgent.priorityIntervalsMinutes.medium must be a whole number of minutes above 0, not 120.5" });
  assert.throws(run(6, 5, 7), { message: "microAgent.priorityIntervalsMinutes must satisfy high <= medium <= low (got 6, 5, 7)" });
  assert.throws(run(5, 7, 6), { message: "microAgent.priorityIntervalsMinutes must satisfy high <= medium <= low (got 5, 7, 6)" });
});

test("micro agent collectors: unknown names and frequencies fail with the whole message", () => {
  const run = (collectors: unknown) => () => buildManifest(options({ microAgent: { priorityIntervalsMinutes: { high: 30, medium: 120, low: 1440 }, collectors: collectors as never } }));
  assert.throws(run({ Keylogger: {} }), {
    message: "microAgent.collectors: unknown collector 'Keylogger' (known: Baseline, SystemInformation, SBoM, Heartbeat, Login, NetworkActivity, Process, LogCollector, FileSystem, Peripheral, Statistics)",
  });
  assert.throws(run({ Process: { messageFrequency: "Often" } }), { message: "microAgent.collectors.Process.messageFrequency must be Low, Medium or High" });
  assert.throws(run({ Process: { messageFrequency: "" } }), { message: "microAgent.collectors.Process.messageFrequency must be Low, Medium or High" });
});

test("manifest options: each error message in full", () => {
  assert.throws(() => buildManifest(options({ iotEdgeVersion: "1.4" as never })), { message: `iotEdgeVersion must be "1.5" or "1.6", not '1.4'` });
  assert.throws(() => buildManifest(options({ securityAgent: "classic" as never })), {
    message: `securityAgent must be "micro-agent", "classic-module" or "none", not 'classic'`,
  });
  assert.throws(() => buildManifest(options({ storeAndForwardTtlSecs: -1 })), { message: "storeAndForwardTtlSecs must be a whole number of seconds, 0 or more, not -1" });
  assert.throws(() => buildManifest(options({ storeAndForwardTtlSecs: 1.5 })), { message: "storeAndForwardTtlSecs must be a whole number of seconds, 0 or more, not 1.5" });
  assert.doesNotThrow(() => buildManifest(options({ storeAndForwardTtlSecs: 0 })));
  assert.throws(() => buildManifest(options({ echoModule: true })), {
    message: `echoModule needs securityAgent "classic-module" (it receives that module's messages); securityAgent is "micro-agent"`,
  });
  assert.throws(() => buildManifest(options({ securityAgent: "none", echoModule: true })), {
    message: `echoModule needs securityAgent "classic-module" (it receives that module's messages); securityAgent is "none"`,
  });
  assert.throws(() => buildManifest(options({ debugLogging: true })), {
    message: `debugLogging sets logLevel on the classic security module container; securityAgent is "micro-agent"`,
  });
  assert.throws(() => buildManifest(options({ securityAgent: "none", debugLogging: true })), {
    message: `debugLogging sets logLevel on the classic security module container; securityAgent is "none"`,
  });
});

test("classic settings: each limit passes at its edge and fails one beyond, with the whole message", () => {
  const c = defaultManifestOptions().classic;
  const run = (over: Partial<ManifestOptions["classic"]>) => () => buildManifest(classic({ classic: { ...c, ...over } }));
  for (const ok of [8192, 2_560_000]) assert.doesNotThrow(run({ maxLocalCacheSizeInBytes: ok }), String(ok));
  for (const bad of [8191, 8192.5]) {
    assert.throws(run({ maxLocalCacheSizeInBytes: bad }), { message: `classic.maxLocalCacheSizeInBytes must be a whole number of at least 8192, not ${bad}` });
  }
  for (const ok of [8192, 262_144]) assert.doesNotThrow(run({ maxMessageSizeInBytes: ok }), String(ok));
  for (const bad of [8191, 262_145, 10_000.5]) {
    assert.throws(run({ maxMessageSizeInBytes: bad }), { message: `classic.maxMessageSizeInBytes must be a whole number from 8192 to 262144, not ${bad}` });
  }
});

test("classic image tags: Docker's rule, up to 128 characters", () => {
  const c = defaultManifestOptions().classic;
  const run = (imageTag: string) => () => buildManifest(classic({ classic: { ...c, imageTag } }));
  for (const ok of ["1", "_", "a", "Z", "9", "1.0.2-rc_1", `a${"b".repeat(127)}`, "A.-_z"]) assert.doesNotThrow(run(ok), ok);
  for (const bad of ["", ".1", "-1", "1.0 2", "1/0", `a${"b".repeat(128)}`, "1.0.2\n", " 1.0.2", "1.0.2:x", "é"]) {
    assert.throws(run(bad), { message: `classic.imageTag '${bad}' is not a valid image tag` }, JSON.stringify(bad));
  }
});

test("classic frequencies: ISO-8601 durations with days and/or a time part, each setting checked", () => {
  const c = defaultManifestOptions().classic;
  for (const key of ["highPriorityMessageFrequency", "lowPriorityMessageFrequency", "snapshotFrequency"] as const) {
    const run = (value: string) => () => buildManifest(classic({ classic: { ...c, [key]: value } }));
    for (const ok of ["PT7M", "P1D", "P10D", "PT1H", "PT12H", "PT1H30M", "PT30S", "PT1.5S", "P1DT2H", "PT1H2M3S", "PT10M", "PT100S", "PT1.25S"]) assert.doesNotThrow(run(ok), `${key} ${ok}`);
    for (const bad of ["", "P", "PT", "P1DT", "PT1", "P1H", "7M", "PT7Mx", "xPT7M", "PT7M ", "PTM", "PT1.S", "PT.5S", "P1M", "PT1S1M", "PTH", "pt7m", "7 minutes"]) {
      assert.throws(run(bad), { message: `classic.${key} '${bad}' must be an ISO-8601 duration such as PT7M` }, `${key} ${JSON.stringify(bad)}`);
    }
  }
});

test("classic event priorities: names of letters and digits starting with a letter, priorities Off, Low or High", () => {
  const c = defaultManifestOptions().classic;
  const run = (eventPriorities: Record<string, string>) => () => buildManifest(classic({ classic: { ...c, eventPriorities: eventPriorities as never } }));
  assert.doesNotThrow(run({ A: "Off", b: "Low", Process2: "High", z9Z: "Off" }));
  for (const bad of ["1Event", "Process_Create", "Process Create", "Process.Create", "", "Événement", "Process!", "_A"]) {
    assert.throws(run({ [bad]: "High" }), { message: `classic.eventPriorities: event name '${bad}' must be letters and digits, e.g. ProcessCreate` }, JSON.stringify(bad));
  }
  for (const bad of ["Urgent", "high", "Medium", ""]) {
    assert.throws(run({ ProcessCreate: bad }), { message: `classic.eventPriorities.ProcessCreate must be Off, Low or High, not '${bad}'` }, JSON.stringify(bad));
  }
});

test("module names: 128 characters pass, 129 fail, and the runtime's names are reserved, with the whole message", () => {
  assert.doesNotThrow(() => assertModuleName("m".repeat(128)));
  assert.doesNotThrow(() => assertModuleName("A"));
  assert.doesNotThrow(() => assertModuleName("edgeHub2"));
  assert.doesNotThrow(() => assertModuleName("EdgeAgent"), "the reserved names are case-sensitive");
  for (const bad of ["m".repeat(129), "", "my module", "my.module", "$edgeAgent", "a/b", "é", "m\n"]) {
    assert.throws(() => assertModuleName(bad), { message: `module name '${bad}' must be 1-128 letters, digits, '_' or '-' (no '$', '.', spaces)` }, JSON.stringify(bad));
  }
  assert.throws(() => assertModuleName("edgeAgent"), { message: "module name 'edgeAgent' is reserved for the IoT Edge runtime" });
  assert.throws(() => assertModuleName("edgeHub"), { message: "module name 'edgeHub' is reserved for the IoT Edge runtime" });
});

test("twin size: 32 768 bytes pass and 32 769 fail, with the whole message", () => {
  // {"a":"…"} is 8 bytes around the value.
  assert.equal(assertTwinSize("m", { a: "x".repeat(32_760) }), 32_768);
  assert.throws(() => assertTwinSize("mod", { a: "x".repeat(32_761) }), {
    message: "desired properties of module twin 'mod' are 32769 bytes; IoT Hub allows at most 32768 (32 KB)",
  });
});

test("the retirement warning in full", () => {
  assert.equal(
    CLASSIC_MODULE_RETIREMENT_WARNING,
    "The classic Defender for IoT security module 'azureiotsecurity' is retired: Microsoft ended its support on 2022-03-01 (legacy experience until 2023-03-31), and it is documented to work only with edgeHub 1.0.8.3 or older, while this stack deploys edgeHub 1.5/1.6. Use securityAgent 'defender-for-servers' unless you are reproducing the original setup.",
  );
});
