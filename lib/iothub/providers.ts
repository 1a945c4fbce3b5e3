/**
 * Dynamic provider implementations for IoT Hub data-plane objects (devices, edge deployments),
 * which azure-native has no resources for.
 *
 * Pulumi serializes each provider object with everything it reaches and runs it in a separate
 * process. So the providers here reach only module-level functions and the client class (local
 * modules are captured by value, Node built-ins as `require`), capture no client, key or state,
 * and build a fresh client from the resource's own (secret) inputs on every call. One provider
 * object per resource kind is exported, because the SDK caches the serialized text per object.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import {
  canonicalJson,
  IotHubClient,
  type ConfigurationContent,
  type ConfigurationSpec,
  type DeviceAuthentication,
  type DeviceSpec,
  type IotHubClientOptions,
} from "./client";

/** What a provider needs to reach a hub; each resource carries it as inputs, the key as a secret. */
export interface HubConnection {
  readonly hubHostName: string;
  /** Key of the shared access policy `keyName` (base64). Secret. */
  readonly hubKey: string;
  readonly keyName: string;
}

/** Builds the client a provider uses; tests substitute one aimed at a local server. */
export type ClientFactory = (options: Pick<IotHubClientOptions, "hostName" | "keyName" | "key">) => IotHubClient;

export type EdgeDeviceAuth =
  /** X.509 self-signed: the hub stores only certificate thumbprints; no secret leaves the device. */
  | { readonly type: "selfSigned"; readonly primaryThumbprint: string; readonly secondaryThumbprint?: string }
  /** Symmetric keys, generated here and returned only as secret outputs. */
  | { readonly type: "sas" };

export type TwinTags = Record<string, string | number | boolean>;

export interface EdgeDeviceInputs extends HubConnection {
  readonly deviceId: string;
  readonly auth: EdgeDeviceAuth;
  /** Device twin tags, what deployment target conditions select on. */
  readonly tags: TwinTags;
}

export interface EdgeDeviceOutputs extends EdgeDeviceInputs {
  readonly etag: string;
  readonly generationId: string;
  /** sas only; secret. */
  readonly primaryKey?: string;
  /** sas only; secret. */
  readonly secondaryKey?: string;
  /** sas only (`HostName=…;DeviceId=…;SharedAccessKey=…`); secret. */
  readonly connectionString?: string;
}

export interface EdgeDeploymentInputs extends HubConnection {
  /** Derived from a base name and the content hash (`deploymentConfigurationId`). */
  readonly configurationId: string;
  readonly content: ConfigurationContent;
  readonly targetCondition: string;
  readonly priority: number;
  readonly labels: Record<string, string>;
}

export interface EdgeDeploymentOutputs extends EdgeDeploymentInputs {
  readonly etag: string;
}

export interface EdgeDeviceContentInputs extends HubConnection {
  readonly deviceId: string;
  readonly content: ConfigurationContent;
}

export interface EdgeDeviceContentOutputs extends EdgeDeviceContentInputs {
  /** sha256 of the canonical content, to show in diffs what changed without printing it. */
  readonly contentHash: string;
}

/**
 * Thrown when a create made the object but a later step failed: the dynamic provider host records
 * the object with these properties (`ErrorResourceInitFailed`), so the next `pulumi up` updates it
 * instead of failing on "already exists".
 */
export class PartialCreateError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: object,
    readonly reasons: string[],
  ) {
    super(message);
    this.name = "PartialCreateError";
  }
}

const DEVICE_ID = /^[A-Za-z0-9\-:.+%_#*?!(),=@;$']{1,128}$/;
const CONFIGURATION_ID = /^[a-z0-9\-:+%_#*?!(),=@;']{1,128}$/;
// SHA-1 (40 hex) or SHA-256 (64 hex) certificate thumbprints, as the hub accepts them.
const THUMBPRINT = /^(?:[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$/;
// Twin keys: 1-1024 characters, none a control character (C0, C1), '.', '$' or space (swagger `TwinProperties`).
function isTwinKey(k: string): boolean {
  return k.length > 0 && k.length <= 1024 && ![...k].some((c) => c.charCodeAt(0) <= 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f) || c === "." || c === "$");
}
// During preview an unknown input arrives as this sentinel (runtime/rpc.js `unknownValue`).
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Reasons the device inputs are invalid (empty when valid); unknown values are not judged. */
export function edgeDeviceInputProblems(i: Partial<EdgeDeviceInputs>): pulumi.dynamic.CheckFailure[] {
  const out: pulumi.dynamic.CheckFailure[] = [];
  const known = (v: unknown): v is string => typeof v === "string" && v !== UNKNOWN;
  if (known(i.deviceId) && !DEVICE_ID.test(i.deviceId)) {
    out.push({ property: "deviceId", reason: `device id '${i.deviceId}' must be 1-128 of A-Z a-z 0-9 - : . + % _ # * ? ! ( ) , = @ ; $ '` });
  }
  const auth = i.auth as EdgeDeviceAuth | undefined;
  if (auth && typeof auth === "object" && auth.type === "selfSigned") {
    for (const key of ["primaryThumbprint", "secondaryThumbprint"] as const) {
      const v = auth[key];
      if (key === "primaryThumbprint" && v === undefined) out.push({ property: "auth", reason: "selfSigned auth needs primaryThumbprint" });
      if (known(v) && !THUMBPRINT.test(v)) out.push({ property: "auth", reason: `${key} must be 40 or 64 hex digits (a SHA-1 or SHA-256 thumbprint)` });
    }
  } else if (auth && typeof auth === "object" && auth.type !== "sas") {
    out.push({ property: "auth", reason: `auth.type must be "selfSigned" or "sas", not '${String((auth as { type?: unknown }).type)}'` });
  }
  for (const [k, v] of Object.entries(i.tags ?? {})) {
    if (!isTwinKey(k)) out.push({ property: "tags", reason: `tag name '${k}' may not contain '.', '$', spaces or control characters` });
    if (!["string", "number", "boolean"].includes(typeof v)) out.push({ property: "tags", reason: `tag '${k}' must be a string, number or boolean` });
  }
  return out;
}

/** Reasons the deployment inputs are invalid (empty when valid); unknown values are not judged. */
export function edgeDeploymentInputProblems(i: Partial<EdgeDeploymentInputs>): pulumi.dynamic.CheckFailure[] {
  const out: pulumi.dynamic.CheckFailure[] = [];
  if (typeof i.configurationId === "string" && i.configurationId !== UNKNOWN && !CONFIGURATION_ID.test(i.configurationId)) {
    out.push({ property: "configurationId", reason: `configuration id '${i.configurationId}' must be 1-128 lowercase letters, digits or - : + % _ # * ? ! ( ) , = @ ; '` });
  }
  if (typeof i.priority === "number" && (!Number.isInteger(i.priority) || i.priority < 0)) {
    out.push({ property: "priority", reason: "priority must be a whole number, 0 or more (higher wins)" });
  }
  if (typeof i.targetCondition === "string" && i.targetCondition.trim() === "") {
    out.push({ property: "targetCondition", reason: "targetCondition must not be empty (e.g. tags.environment='dev')" });
  }
  return out;
}

/**
 * Compares inputs by value (objects canonically, a missing map as an empty one): a change in a
 * `replace` key replaces the resource, in an `update` key updates it in place. Never delete
 * first: the old object keeps serving until the new one exists.
 */
export function diffBy<T extends object>(olds: T, news: T, replace: (keyof T & string)[], update: (keyof T & string)[]): pulumi.dynamic.DiffResult {
  const differs = (k: keyof T & string) => canonicalJson(olds[k] ?? {}) !== canonicalJson(news[k] ?? {});
  const replaces = replace.filter(differs);
  return { changes: replaces.length > 0 || update.some(differs), replaces, deleteBeforeReplace: false };
}

/**
 * `<baseName>-<first 8 hex of sha256(content)>`: a content change yields a new id, so the
 * replacement is created next to the old deployment before the old one is deleted.
 */
export function deploymentConfigurationId(baseName: string, content: ConfigurationContent): string {
  if (!/^[a-z0-9][a-z0-9-]{0,118}$/.test(baseName)) {
    throw new Error(`deployment base name '${baseName}' must be 1-119 lowercase letters, digits or '-', starting with a letter or digit`);
  }
  return `${baseName}-${contentHash(content).slice(0, 8)}`;
}

export function contentHash(content: ConfigurationContent): string {
  return createHash("sha256").update(canonicalJson(content)).digest("hex");
}

function defaultClient(options: Pick<IotHubClientOptions, "hostName" | "keyName" | "key">): IotHubClient {
  return new IotHubClient(options);
}

function clientFor(connect: ClientFactory, c: HubConnection): IotHubClient {
  return connect({ hostName: c.hubHostName, keyName: c.keyName, key: c.hubKey });
}

function failIfInvalid(problems: pulumi.dynamic.CheckFailure[], what: string): void {
  if (problems.length > 0) throw new Error(`${what}: ${problems.map((p) => `${p.property}: ${p.reason}`).join("; ")}`);
}

function randomKey(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64");
}

function deviceAuthentication(auth: EdgeDeviceAuth, keep?: { primaryKey?: string; secondaryKey?: string }): DeviceAuthentication {
  if (auth.type === "sas") {
    return {
      type: "sas",
      symmetricKey: { primaryKey: keep?.primaryKey ?? randomKey(), secondaryKey: keep?.secondaryKey ?? randomKey() },
    };
  }
  return {
    type: "selfSigned",
    x509Thumbprint: {
      primaryThumbprint: auth.primaryThumbprint.toUpperCase(),
      ...(auth.secondaryThumbprint ? { secondaryThumbprint: auth.secondaryThumbprint.toUpperCase() } : {}),
    },
  };
}

function deviceSpec(i: EdgeDeviceInputs, keep?: { primaryKey?: string; secondaryKey?: string }): DeviceSpec {
  return { deviceId: i.deviceId, status: "enabled", capabilities: { iotEdge: true }, authentication: deviceAuthentication(i.auth, keep) };
}

function pickConnection(i: HubConnection): HubConnection {
  return { hubHostName: i.hubHostName, hubKey: i.hubKey, keyName: i.keyName };
}

function deviceOutputs(i: EdgeDeviceInputs, device: { etag: string; generationId: string; authentication: DeviceAuthentication }, tags: TwinTags): EdgeDeviceOutputs {
  const keys = device.authentication.type === "sas" ? device.authentication.symmetricKey : undefined;
  return {
    ...pickConnection(i),
    deviceId: i.deviceId,
    auth: i.auth,
    tags,
    etag: device.etag,
    generationId: device.generationId,
    ...(keys
      ? {
          primaryKey: keys.primaryKey,
          secondaryKey: keys.secondaryKey,
          connectionString: `HostName=${i.hubHostName};DeviceId=${i.deviceId};SharedAccessKey=${keys.primaryKey}`,
        }
      : {}),
  };
}

/** The twin patch that turns `olds` into `news`: removed tags are set to null, which deletes them. */
export function tagPatch(olds: TwinTags, news: TwinTags): Record<string, string | number | boolean | null> {
  const patch: Record<string, string | number | boolean | null> = { ...news };
  for (const k of Object.keys(olds)) if (!(k in news)) patch[k] = null;
  return patch;
}

/** The EdgeDevice provider, using `connect` to reach the hub. */
export function edgeDeviceProviderWith(connect: ClientFactory): pulumi.dynamic.ResourceProvider<EdgeDeviceInputs, EdgeDeviceOutputs> {
  return {
    async check(_olds, news) {
      return { inputs: news, failures: edgeDeviceInputProblems(news) };
    },

    async diff(_id, olds, news) {
      return diffBy(olds, news, ["hubHostName", "deviceId"], ["keyName", "hubKey", "auth", "tags"]);
    },

    async create(inputs) {
      failIfInvalid(edgeDeviceInputProblems(inputs), `EdgeDevice '${inputs.deviceId}'`);
      const client = clientFor(connect, inputs);
      const device = await client.createOrUpdateDevice(deviceSpec(inputs));
      const tags = inputs.tags ?? {};
      if (Object.keys(tags).length > 0) {
        try {
          await client.updateTwinTags(inputs.deviceId, tags);
        } catch (err) {
          const reason = err instanceof Error ? err.message : String(err);
          throw new PartialCreateError(
            `EdgeDevice '${inputs.deviceId}' was created but its twin tags were not set: ${reason}`,
            inputs.deviceId,
            deviceOutputs(inputs, device, {}),
            [reason],
          );
        }
      }
      return { id: inputs.deviceId, outs: deviceOutputs(inputs, device, tags) };
    },

    async read(id, props) {
      if (!props) return { id, props };
      const client = clientFor(connect, props);
      const device = await client.getDevice(props.deviceId);
      if (!device) return {};
      const twin = await client.getTwin(props.deviceId);
      const tags = Object.fromEntries(
        Object.entries(twin.tags ?? {}).filter((e): e is [string, string | number | boolean] => ["string", "number", "boolean"].includes(typeof e[1])),
      );
      const auth: EdgeDeviceAuth =
        device.authentication.type === "selfSigned"
          ? {
              type: "selfSigned",
              primaryThumbprint: device.authentication.x509Thumbprint.primaryThumbprint,
              ...(device.authentication.x509Thumbprint.secondaryThumbprint
                ? { secondaryThumbprint: device.authentication.x509Thumbprint.secondaryThumbprint }
                : {}),
            }
          : { type: "sas" };
      return { id, props: deviceOutputs({ ...props, auth }, device, tags) };
    },

    async update(_id, olds, news) {
      failIfInvalid(edgeDeviceInputProblems(news), `EdgeDevice '${news.deviceId}'`);
      const client = clientFor(connect, news);
      let device: { etag: string; generationId: string; authentication: DeviceAuthentication } = {
        etag: olds.etag,
        generationId: olds.generationId,
        authentication: deviceAuthentication(news.auth, olds),
      };
      if (canonicalJson(olds.auth) !== canonicalJson(news.auth)) {
        // Keys survive an update that keeps sas; switching to sas mints new ones.
        const keep = olds.auth.type === "sas" ? olds : undefined;
        device = await client.createOrUpdateDevice(deviceSpec(news, keep), { ifMatch: "*" });
      }
      const oldTags = olds.tags ?? {};
      const newTags = news.tags ?? {};
      if (canonicalJson(oldTags) !== canonicalJson(newTags)) await client.updateTwinTags(news.deviceId, tagPatch(oldTags, newTags));
      return { outs: deviceOutputs(news, device, newTags) };
    },

    async delete(_id, props) {
      await clientFor(connect, props).deleteDevice(props.deviceId);
    },
  };
}

function configurationSpec(i: EdgeDeploymentInputs): ConfigurationSpec {
  return { id: i.configurationId, content: i.content, targetCondition: i.targetCondition, priority: i.priority, labels: i.labels ?? {} };
}

function deploymentOutputs(i: EdgeDeploymentInputs, etag: string): EdgeDeploymentOutputs {
  return { ...pickConnection(i), ...configurationSpec(i), configurationId: i.configurationId, labels: i.labels ?? {}, etag };
}

/** The EdgeDeployment (at-scale configuration) provider. */
export function edgeDeploymentProviderWith(connect: ClientFactory): pulumi.dynamic.ResourceProvider<EdgeDeploymentInputs, EdgeDeploymentOutputs> {
  return {
    async check(_olds, news) {
      return { inputs: news, failures: edgeDeploymentInputProblems(news) };
    },

    async diff(_id, olds, news) {
      // The service cannot change a configuration's id or content: those replace.
      return diffBy(olds, news, ["hubHostName", "configurationId", "content"], ["keyName", "hubKey", "targetCondition", "priority", "labels"]);
    },

    async create(inputs) {
      failIfInvalid(edgeDeploymentInputProblems(inputs), `EdgeDeployment '${inputs.configurationId}'`);
      const created = await clientFor(connect, inputs).createOrUpdateConfiguration(configurationSpec(inputs));
      return { id: inputs.configurationId, outs: deploymentOutputs(inputs, created.etag) };
    },

    async read(id, props) {
      if (!props) return { id, props };
      const found = await clientFor(connect, props).getConfiguration(props.configurationId);
      if (!found) return {};
      return {
        id,
        props: deploymentOutputs(
          { ...props, content: found.content, targetCondition: found.targetCondition, priority: found.priority, labels: found.labels ?? {} },
          found.etag,
        ),
      };
    },

    async update(_id, _olds, news) {
      failIfInvalid(edgeDeploymentInputProblems(news), `EdgeDeployment '${news.configurationId}'`);
      const updated = await clientFor(connect, news).createOrUpdateConfiguration(configurationSpec(news), { ifMatch: "*" });
      return { outs: deploymentOutputs(news, updated.etag) };
    },

    async delete(_id, props) {
      await clientFor(connect, props).deleteConfiguration(props.configurationId);
    },
  };
}

function deviceContentOutputs(i: EdgeDeviceContentInputs): EdgeDeviceContentOutputs {
  return { ...pickConnection(i), deviceId: i.deviceId, content: i.content, contentHash: contentHash(i.content) };
}

/** The EdgeDeviceContent provider: one device's modules set directly, like the portal's "Set modules". */
export function edgeDeviceContentProviderWith(
  connect: ClientFactory,
): pulumi.dynamic.ResourceProvider<EdgeDeviceContentInputs, EdgeDeviceContentOutputs> {
  return {
    async check(_olds, news) {
      return { inputs: news, failures: edgeDeviceInputProblems({ deviceId: news.deviceId }) };
    },

    async diff(_id, olds, news) {
      return diffBy(olds, news, ["hubHostName", "deviceId"], ["keyName", "hubKey", "content"]);
    },

    async create(inputs) {
      await clientFor(connect, inputs).applyConfigurationContent(inputs.deviceId, inputs.content);
      return { id: `${inputs.hubHostName}/${inputs.deviceId}`, outs: deviceContentOutputs(inputs) };
    },

    async update(_id, olds, news) {
      if (canonicalJson(olds.content) !== canonicalJson(news.content)) {
        await clientFor(connect, news).applyConfigurationContent(news.deviceId, news.content);
      }
      return { outs: deviceContentOutputs(news) };
    },

    // Deliberately does nothing. The hub has no "unapply": the only way to take content off a
    // device is to apply other content, and applying an empty manifest would stop edgeHub and every
    // module on a device that may stay in service. The content lives in the device's module twins,
    // which the hub deletes with the device (EdgeDevice), the resource that owns its lifetime.
    async delete() {
      return;
    },
  };
}

/** The one provider object per kind that the resources use (the SDK caches its serialization per object). */
export const edgeDeviceProvider = edgeDeviceProviderWith(defaultClient);
export const edgeDeploymentProvider = edgeDeploymentProviderWith(defaultClient);
export const edgeDeviceContentProvider = edgeDeviceContentProviderWith(defaultClient);
