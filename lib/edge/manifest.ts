/**
 * The IoT Edge deployment manifest (`modulesContent`) for the edge device, as a pure function of
 * options. Three security agent modes:
 * - "micro-agent" (default): Defender for IoT micro agent. It is a host package, not a container,
 *   so the manifest only carries the desired properties of its `DefenderIotMicroAgent` module twin.
 * - "classic-module": the blog's retired `azureiotsecurity` container, reproduced faithfully.
 * - "none": edgeAgent and edgeHub only.
 */
import { buildRoute, checkRoutes, type RouteEntry } from "./routes";

import type { EventPriority, IotEdgeVersion, SecurityAgentMode } from "../config/types";

export type { EventPriority, SecurityAgentMode };
export type MicroAgentFrequency = "Low" | "Medium" | "High";

/** Collectors of the micro agent, each configurable by `<Collector>_Disabled` and `<Collector>_MessageFrequency`. */
export const MICRO_AGENT_COLLECTORS = [
  "Baseline",
  "SystemInformation",
  "SBoM",
  "Heartbeat",
  "Login",
  "NetworkActivity",
  "Process",
  "LogCollector",
  "FileSystem",
  "Peripheral",
  "Statistics",
] as const;
export type MicroAgentCollector = (typeof MICRO_AGENT_COLLECTORS)[number];

export interface MicroAgentOptions {
  /**
   * Minutes between sends for High, Medium and Low priority messages, written as
   * `CollectorsCore_PriorityIntervals: "<High>,<Medium>,<Low>"`. Microsoft's defaults are 30, 120,
   * 1440 and it advises each to be a multiple of the one before.
   */
  readonly priorityIntervalsMinutes: { readonly high: number; readonly medium: number; readonly low: number };
  /** Per-collector settings; collectors left out keep the agent's defaults. */
  readonly collectors?: Partial<Record<MicroAgentCollector, { readonly disabled?: boolean; readonly messageFrequency?: MicroAgentFrequency }>>;
}

export interface ManifestOptions {
  readonly iotEdgeVersion: IotEdgeVersion;
  readonly securityAgent: SecurityAgentMode;
  /** edgeHub `storeAndForwardConfiguration.timeToLiveSecs`: how long messages wait offline. */
  readonly storeAndForwardTtlSecs: number;
  /** Used when securityAgent is "classic-module". */
  readonly classic: {
    /** e.g. "1.0.2" (the blog used 0.0.3). */
    readonly imageTag: string;
    /** ISO-8601 duration, default PT7M. */
    readonly highPriorityMessageFrequency: string;
    /** Default PT5H. */
    readonly lowPriorityMessageFrequency: string;
    /** Default PT13H. */
    readonly snapshotFrequency: string;
    /** Default 2 560 000, at least 8 192. */
    readonly maxLocalCacheSizeInBytes: number;
    /** Default 204 800, from 8 192 to 262 144. */
    readonly maxMessageSizeInBytes: number;
    /** e.g. `{ ProcessCreate: "High" }` becomes `eventPriorityProcessCreate`. */
    readonly eventPriorities: Record<string, EventPriority>;
  };
  /** Used when securityAgent is "micro-agent". */
  readonly microAgent: MicroAgentOptions;
  /** The blog's debugging aid: an `echo` module that receives the security module's messages. classic-module only. */
  readonly echoModule: boolean;
  /** `logLevel=Debug` on the security module container. classic-module only. */
  readonly debugLogging: boolean;
}

export interface Manifest {
  readonly modulesContent: Record<string, unknown>;
}

/** Shown wherever the classic module can be chosen (config docs, preview warnings). */
export const CLASSIC_MODULE_RETIREMENT_WARNING =
  "The classic Defender for IoT security module 'azureiotsecurity' is retired: Microsoft ended its support " +
  "on 2022-03-01 (legacy experience until 2023-03-31), and it is documented to work only with edgeHub 1.0.8.3 " +
  "or older, while this stack deploys edgeHub 1.5/1.6. Use securityAgent 'defender-for-servers' unless you are reproducing the original setup.";

export const SECURITY_MODULE = "azureiotsecurity";
export const MICRO_AGENT_MODULE = "DefenderIotMicroAgent";
export const ECHO_MODULE = "echo";
/**
 * Community echo module from the iot-edge-foundation project (Docker Hub), pinned. It prints what
 * it receives on `input1`: a debugging aid, not for production.
 */
export const ECHO_MODULE_IMAGE = "iotedgefoundation/iot-edge-echo:3.0.7-amd64";
export const CLASSIC_IMAGE_REPOSITORY = "mcr.microsoft.com/ascforiot/azureiotsecurity";
/** IoT Hub limits a twin's desired properties to 32 KB. */
export const TWIN_DESIRED_LIMIT_BYTES = 32 * 1024;

/** The blog's create options: privileged, host network and PID namespace, host root mounted at /host. */
export const CLASSIC_CREATE_OPTIONS = {
  NetworkingConfig: { EndpointsConfig: { host: {} } },
  HostConfig: { Privileged: true, NetworkMode: "host", PidMode: "host", Binds: ["/:/host"] },
};

const CLASSIC_TWIN_PROPERTY = "ms_iotn:urn_azureiot_Security_SecurityAgentConfiguration";
const SYSTEM_MODULE_NAMES = ["edgeAgent", "edgeHub"];
// ISO-8601 durations as the agent takes them: days and/or a time part, e.g. PT7M, P1D, PT1H30M.
const DURATION = /^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Defaults that match Microsoft's documented defaults and the blog; the lead maps stack config over them. */
export function defaultManifestOptions(): ManifestOptions {
  return {
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
  };
}

/** Throws unless `name` can be an IoT Edge custom module name. */
export function assertModuleName(name: string): void {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(name)) {
    throw new Error(`module name '${name}' must be 1-128 letters, digits, '_' or '-' (no '$', '.', spaces)`);
  }
  if (SYSTEM_MODULE_NAMES.includes(name)) throw new Error(`module name '${name}' is reserved for the IoT Edge runtime`);
}

/** Throws when a module twin's desired properties exceed IoT Hub's 32 KB limit (UTF-8 JSON bytes). */
export function assertTwinSize(moduleName: string, desired: unknown): number {
  const bytes = Buffer.byteLength(JSON.stringify(desired), "utf8");
  if (bytes > TWIN_DESIRED_LIMIT_BYTES) {
    throw new Error(
      `desired properties of module twin '${moduleName}' are ${bytes} bytes; IoT Hub allows at most ${TWIN_DESIRED_LIMIT_BYTES} (32 KB)`,
    );
  }
  return bytes;
}

function checkOptions(o: ManifestOptions): void {
  if (o.iotEdgeVersion !== "1.5" && o.iotEdgeVersion !== "1.6") throw new Error(`iotEdgeVersion must be "1.5" or "1.6", not '${String(o.iotEdgeVersion)}'`);
  if (!["micro-agent", "classic-module", "none"].includes(o.securityAgent)) {
    throw new Error(`securityAgent must be "micro-agent", "classic-module" or "none", not '${String(o.securityAgent)}'`);
  }
  if (!Number.isInteger(o.storeAndForwardTtlSecs) || o.storeAndForwardTtlSecs < 0) {
    throw new Error(`storeAndForwardTtlSecs must be a whole number of seconds, 0 or more, not ${o.storeAndForwardTtlSecs}`);
  }
  if (o.securityAgent !== "classic-module") {
    // The micro agent talks to IoT Hub itself, not through edgeHub: no route could feed an echo module,
    // and it has no container to set an environment variable on.
    if (o.echoModule) throw new Error(`echoModule needs securityAgent "classic-module" (it receives that module's messages); securityAgent is "${o.securityAgent}"`);
    if (o.debugLogging) throw new Error(`debugLogging sets logLevel on the classic security module container; securityAgent is "${o.securityAgent}"`);
  }
}

function checkClassic(c: ManifestOptions["classic"]): void {
  if (!IMAGE_TAG.test(c.imageTag)) throw new Error(`classic.imageTag '${c.imageTag}' is not a valid image tag`);
  for (const key of ["highPriorityMessageFrequency", "lowPriorityMessageFrequency", "snapshotFrequency"] as const) {
    if (!DURATION.test(c[key])) throw new Error(`classic.${key} '${c[key]}' must be an ISO-8601 duration such as PT7M`);
  }
  if (!Number.isInteger(c.maxLocalCacheSizeInBytes) || c.maxLocalCacheSizeInBytes < 8192) {
    throw new Error(`classic.maxLocalCacheSizeInBytes must be a whole number of at least 8192, not ${c.maxLocalCacheSizeInBytes}`);
  }
  if (!Number.isInteger(c.maxMessageSizeInBytes) || c.maxMessageSizeInBytes < 8192 || c.maxMessageSizeInBytes > 262_144) {
    throw new Error(`classic.maxMessageSizeInBytes must be a whole number from 8192 to 262144, not ${c.maxMessageSizeInBytes}`);
  }
  for (const [event, priority] of Object.entries(c.eventPriorities)) {
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(event)) throw new Error(`classic.eventPriorities: event name '${event}' must be letters and digits, e.g. ProcessCreate`);
    if (!["Off", "Low", "High"].includes(priority)) throw new Error(`classic.eventPriorities.${event} must be Off, Low or High, not '${String(priority)}'`);
  }
}

function edgeHubCreateOptions(mode: SecurityAgentMode): string {
  // The classic module runs in the host network and reaches edgeHub through the host's ports
  // (AMQP 5671 above all, which it needs). Other modes have only container modules, which reach
  // edgeHub on the Docker network, so nothing is published on the VM.
  if (mode !== "classic-module") return "{}";
  return JSON.stringify({
    HostConfig: {
      PortBindings: {
        "5671/tcp": [{ HostPort: "5671" }],
        "8883/tcp": [{ HostPort: "8883" }],
        "443/tcp": [{ HostPort: "443" }],
      },
    },
  });
}

function classicTwin(c: ManifestOptions["classic"]): Record<string, unknown> {
  const wrap = (value: string | number) => ({ value });
  const config: Record<string, { value: string | number }> = {
    highPriorityMessageFrequency: wrap(c.highPriorityMessageFrequency),
    lowPriorityMessageFrequency: wrap(c.lowPriorityMessageFrequency),
    snapshotFrequency: wrap(c.snapshotFrequency),
    maxLocalCacheSizeInBytes: wrap(c.maxLocalCacheSizeInBytes),
    maxMessageSizeInBytes: wrap(c.maxMessageSizeInBytes),
  };
  for (const [event, priority] of Object.entries(c.eventPriorities)) config[`eventPriority${event}`] = wrap(priority);
  return { [CLASSIC_TWIN_PROPERTY]: config };
}

/**
 * Desired properties of the `DefenderIotMicroAgent` module twin, with names and value forms from
 * Microsoft Learn "Micro agent configurations" (plain values, unlike the classic module's `{value}`).
 */
export function microAgentTwin(m: MicroAgentOptions): Record<string, string | boolean> {
  const { high, medium, low } = m.priorityIntervalsMinutes;
  for (const [name, v] of Object.entries({ high, medium, low })) {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`microAgent.priorityIntervalsMinutes.${name} must be a whole number of minutes above 0, not ${v}`);
  }
  if (!(high <= medium && medium <= low)) {
    throw new Error(`microAgent.priorityIntervalsMinutes must satisfy high <= medium <= low (got ${high}, ${medium}, ${low})`);
  }
  const twin: Record<string, string | boolean> = { CollectorsCore_PriorityIntervals: `${high},${medium},${low}` };
  for (const [collector, settings] of Object.entries(m.collectors ?? {})) {
    if (!(MICRO_AGENT_COLLECTORS as readonly string[]).includes(collector)) {
      throw new Error(`microAgent.collectors: unknown collector '${collector}' (known: ${MICRO_AGENT_COLLECTORS.join(", ")})`);
    }
    if (settings.disabled !== undefined) twin[`${collector}_Disabled`] = settings.disabled;
    if (settings.messageFrequency !== undefined) {
      if (!["Low", "Medium", "High"].includes(settings.messageFrequency)) {
        throw new Error(`microAgent.collectors.${collector}.messageFrequency must be Low, Medium or High`);
      }
      twin[`${collector}_MessageFrequency`] = settings.messageFrequency;
    }
  }
  return twin;
}

/** The routes of the deployment, keyed by name. */
export function manifestRoutes(o: ManifestOptions): Record<string, RouteEntry> {
  if (o.securityAgent !== "classic-module") return {};
  const fromSecurity = { kind: "module", module: SECURITY_MODULE } as const;
  const routes: Record<string, RouteEntry> = {
    // Priority 0 is edgeHub's highest: security messages leave first after an outage.
    securityToUpstream: { route: buildRoute({ source: fromSecurity, sink: { kind: "upstream" } }), priority: 0, timeToLiveSecs: o.storeAndForwardTtlSecs },
  };
  if (o.echoModule) {
    routes.securityToEcho = {
      route: buildRoute({ source: fromSecurity, sink: { kind: "module", module: ECHO_MODULE, input: "input1" } }),
      priority: 9,
      timeToLiveSecs: 0,
    };
  }
  return routes;
}

/** Builds the deployment's `modulesContent`; throws a clear error on invalid options or a twin over 32 KB. */
export function buildManifest(o: ManifestOptions): Manifest {
  checkOptions(o);
  const modules: Record<string, unknown> = {};
  const twins: Record<string, unknown> = {};

  if (o.securityAgent === "classic-module") {
    checkClassic(o.classic);
    modules[SECURITY_MODULE] = {
      version: "1.0",
      type: "docker",
      status: "running",
      restartPolicy: "always",
      settings: { image: `${CLASSIC_IMAGE_REPOSITORY}:${o.classic.imageTag}`, createOptions: JSON.stringify(CLASSIC_CREATE_OPTIONS) },
      ...(o.debugLogging ? { env: { logLevel: { value: "Debug" } } } : {}),
    };
    twins[SECURITY_MODULE] = { "properties.desired": classicTwin(o.classic) };
    if (o.echoModule) {
      modules[ECHO_MODULE] = {
        version: "1.0",
        type: "docker",
        status: "running",
        restartPolicy: "always",
        settings: { image: ECHO_MODULE_IMAGE, createOptions: "{}" },
      };
    }
  } else if (o.securityAgent === "micro-agent") {
    // UNCONFIRMED: that IoT Hub applies a deployment's modulesContent entry to a module identity that
    // IoT Edge does not run (the micro agent's host-side `DefenderIotMicroAgent`). The schema allows
    // it; if the hub ignores it, set the twin with IotHubClient.updateModuleTwinDesired instead.
    twins[MICRO_AGENT_MODULE] = { "properties.desired": microAgentTwin(o.microAgent) };
  }

  for (const name of [...Object.keys(modules), ...Object.keys(twins)]) assertModuleName(name);
  const routes = manifestRoutes(o);
  checkRoutes(routes, Object.keys(modules));

  const edgeAgent = {
    schemaVersion: "1.1",
    runtime: { type: "docker", settings: { minDockerVersion: "v1.25", loggingOptions: "" } },
    systemModules: {
      edgeAgent: {
        type: "docker",
        settings: { image: `mcr.microsoft.com/azureiotedge-agent:${o.iotEdgeVersion}`, createOptions: "{}" },
      },
      edgeHub: {
        type: "docker",
        status: "running",
        restartPolicy: "always",
        startupOrder: 0,
        settings: { image: `mcr.microsoft.com/azureiotedge-hub:${o.iotEdgeVersion}`, createOptions: edgeHubCreateOptions(o.securityAgent) },
      },
    },
    modules,
  };
  // AMQP stays enabled on edgeHub: the classic module talks AMQP to it (no amqpSettings__enabled=false).
  const edgeHub = {
    schemaVersion: "1.1",
    routes,
    storeAndForwardConfiguration: { timeToLiveSecs: o.storeAndForwardTtlSecs },
  };
  const modulesContent: Record<string, unknown> = {
    $edgeAgent: { "properties.desired": edgeAgent },
    $edgeHub: { "properties.desired": edgeHub },
    ...twins,
  };
  for (const [name, twin] of Object.entries(modulesContent)) {
    assertTwinSize(name, (twin as { "properties.desired": unknown })["properties.desired"]);
  }
  return { modulesContent };
}
