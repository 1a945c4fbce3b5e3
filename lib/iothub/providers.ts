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
import { defaultTokenSource } from "./entra";
import {
  canonicalJson,
  IotHubClient,
  IotHubError,
  normalizeContent,
  sameContent,
  thumbprintPair,
  type ConfigurationContent,
  type ConfigurationSpec,
  type DeviceAuthentication,
  type DeviceSpec,
  type IotHubClientOptions,
} from "./client";

/**
 * What a provider needs to reach a hub; each resource carries it as inputs, the key as a secret.
 * The throttle fields and the retry budget size the client's pacing; they are not compared by
 * `diff` (a change is picked up by the next create or update, and never rewrites a resource).
 */
export interface HubConnection {
  readonly hubHostName: string;
  /** `sas` (a shared access policy key) or `entra` (the provider gets a token itself; no key in state). @default "sas" */
  readonly dataPlaneAuth?: "sas" | "entra";
  /** Key of the shared access policy `keyName` (base64; sas only). Secret. */
  readonly hubKey?: string;
  /** The shared access policy (sas only). */
  readonly keyName?: string;
  /** The hub's tier (F1, S1-S3) and units: requests are paced below its documented throttles. */
  readonly hubSku?: string;
  readonly hubUnits?: number;
  /** How long one call may keep retrying after its first failure, in minutes. @default 15 */
  readonly retryMinutes?: number;
}

/** What the factory gets to build a client. */
export interface ConnectOptions extends Pick<IotHubClientOptions, "hostName" | "keyName" | "key" | "throttle" | "retryBudgetMs"> {
  readonly auth: "sas" | "entra";
}

/** Builds the client a provider uses; tests substitute one aimed at a local server. */
export type ClientFactory = (options: ConnectOptions) => IotHubClient;

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
  /** The device's `generationId` (EdgeDevice output): a re-created device gets the content again. */
  readonly deviceGenerationId?: string;
}

export interface EdgeDeviceContentOutputs extends EdgeDeviceContentInputs {
  /** sha256 of the canonical content, to show in diffs what changed without printing it; empty when a refresh found it gone. */
  readonly contentHash: string;
  /** The device generation the content was applied to. */
  readonly appliedGenerationId: string;
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

function defaultClient(options: ConnectOptions): IotHubClient {
  const { auth, ...rest } = options;
  // Entra: the token is obtained here, at run time, so destroy and refresh authenticate too.
  return new IotHubClient(auth === "entra" ? { ...rest, keyName: undefined, key: undefined, tokenSource: defaultTokenSource() } : rest);
}

/** The client options a resource's connection inputs describe. */
export function connectOptions(c: HubConnection): ConnectOptions {
  const entra = c.dataPlaneAuth === "entra";
  return {
    hostName: c.hubHostName,
    auth: entra ? "entra" : "sas",
    ...(entra ? {} : { keyName: c.keyName, key: c.hubKey }),
    ...(c.hubSku && c.hubUnits ? { throttle: { sku: c.hubSku, units: c.hubUnits } } : {}),
    ...(c.retryMinutes !== undefined ? { retryBudgetMs: c.retryMinutes * 60_000 } : {}),
  };
}

function clientFor(connect: ClientFactory, c: HubConnection): IotHubClient {
  return connect(connectOptions(c));
}

/** A hub that no longer exists holds nothing: deleting from it, or reading it, is done. */
function isHubGone(err: unknown): boolean {
  return err instanceof IotHubError && err.hubGone;
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
  // Both thumbprints are always set (Microsoft's guidance); without a second certificate the
  // secondary is the primary, and a rollover (issue 10) sets the new certificate as the other one.
  const { primary, secondary } = thumbprintPair(auth);
  return { type: "selfSigned", x509Thumbprint: { primaryThumbprint: primary, secondaryThumbprint: secondary } };
}

function deviceSpec(i: EdgeDeviceInputs, keep?: { primaryKey?: string; secondaryKey?: string }): DeviceSpec {
  return { deviceId: i.deviceId, status: "enabled", capabilities: { iotEdge: true }, authentication: deviceAuthentication(i.auth, keep) };
}

function pickConnection(i: HubConnection): HubConnection {
  const out: Record<string, unknown> = { hubHostName: i.hubHostName };
  for (const k of ["dataPlaneAuth", "hubKey", "keyName", "hubSku", "hubUnits", "retryMinutes"] as const) if (i[k] !== undefined) out[k] = i[k];
  return out as unknown as HubConnection;
}

/** The connection inputs whose change updates the stored state (without calling the hub). */
const CONNECTION_UPDATES = ["dataPlaneAuth", "keyName", "hubKey"] as const;

/** The dynamic provider host's serialized provider: kept in a partial create's state so a later read or delete can run. */
function providerOf(inputs: object): { __provider?: unknown } {
  const p = (inputs as { __provider?: unknown }).__provider;
  return p === undefined ? {} : { __provider: p };
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

/**
 * The tags this resource owns, as the twin holds them: only the keys it declares. Tags that other
 * tools set on the same twin are neither read into the state nor ever removed.
 */
export function ownedTags(declared: TwinTags, twinTags: Record<string, unknown> | undefined): TwinTags {
  const out: TwinTags = {};
  for (const k of Object.keys(declared)) {
    const v = twinTags?.[k];
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[k] = v;
  }
  return out;
}

/** The auth as the hub holds it, in the declared form when it is equivalent (no diff from the secondary = primary default). */
function authAsRead(declared: EdgeDeviceAuth, hub: DeviceAuthentication): EdgeDeviceAuth {
  if (hub.type !== "selfSigned") return { type: "sas" };
  const held = thumbprintPair(hub.x509Thumbprint);
  if (declared.type === "selfSigned" && canonicalJson(thumbprintPair(declared)) === canonicalJson(held)) return declared;
  return { type: "selfSigned", primaryThumbprint: held.primary, secondaryThumbprint: held.secondary };
}

/** The EdgeDevice provider, using `connect` to reach the hub. */
export function edgeDeviceProviderWith(connect: ClientFactory): pulumi.dynamic.ResourceProvider<EdgeDeviceInputs, EdgeDeviceOutputs> {
  return {
    async check(_olds, news) {
      return { inputs: news, failures: edgeDeviceInputProblems(news) };
    },

    async diff(_id, olds, news) {
      return diffBy(olds, news, ["hubHostName", "deviceId"], [...CONNECTION_UPDATES, "auth", "tags"]);
    },

    async create(inputs) {
      failIfInvalid(edgeDeviceInputProblems(inputs), `EdgeDevice '${inputs.deviceId}'`);
      const client = clientFor(connect, inputs);
      // Adopts a device an earlier, unrecorded create left behind when it is exactly this one.
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
            { ...deviceOutputs(inputs, device, {}), ...providerOf(inputs) },
            [reason],
          );
        }
      }
      return { id: inputs.deviceId, outs: deviceOutputs(inputs, device, tags) };
    },

    async read(id, props) {
      if (!props) return { id, props };
      const client = clientFor(connect, props);
      try {
        const device = await client.getDevice(props.deviceId);
        if (!device) return {};
        const twin = await client.getTwin(props.deviceId);
        return { id, props: deviceOutputs({ ...props, auth: authAsRead(props.auth, device.authentication) }, device, ownedTags(props.tags ?? {}, twin.tags)) };
      } catch (err) {
        if (isHubGone(err)) return {};
        throw err;
      }
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
        const authentication = deviceAuthentication(news.auth, keep);
        // Read-modify-write with the device's etag: only what this resource owns changes.
        device = await client.updateDevice(news.deviceId, (current) => ({
          ...current,
          capabilities: { ...current.capabilities, iotEdge: true },
          authentication,
        }));
      }
      const oldTags = olds.tags ?? {};
      const newTags = news.tags ?? {};
      if (canonicalJson(oldTags) !== canonicalJson(newTags)) await client.updateTwinTags(news.deviceId, tagPatch(oldTags, newTags));
      return { outs: deviceOutputs(news, device, newTags) };
    },

    async delete(_id, props) {
      try {
        await clientFor(connect, props).deleteDevice(props.deviceId);
      } catch (err) {
        if (!isHubGone(err)) throw err;
      }
    },
  };
}

function configurationSpec(i: EdgeDeploymentInputs): ConfigurationSpec {
  return { id: i.configurationId, content: i.content, targetCondition: i.targetCondition, priority: i.priority, labels: i.labels ?? {} };
}

function deploymentOutputs(i: EdgeDeploymentInputs, etag: string): EdgeDeploymentOutputs {
  return { ...pickConnection(i), ...configurationSpec(i), configurationId: i.configurationId, labels: i.labels ?? {}, etag };
}

function mutableFieldsDiffer(held: ConfigurationSpec, wanted: ConfigurationSpec): boolean {
  const pick = (c: ConfigurationSpec) => ({ targetCondition: c.targetCondition, priority: c.priority, labels: c.labels ?? {} });
  return canonicalJson(pick(held)) !== canonicalJson(pick(wanted));
}

/** The EdgeDeployment (at-scale configuration) provider. */
export function edgeDeploymentProviderWith(connect: ClientFactory): pulumi.dynamic.ResourceProvider<EdgeDeploymentInputs, EdgeDeploymentOutputs> {
  return {
    async check(_olds, news) {
      return { inputs: news, failures: edgeDeploymentInputProblems(news) };
    },

    async diff(_id, olds, news) {
      // The id carries the content hash, so the id alone decides replacement: a refresh that
      // returns the content in another shape can never cause a replacement that meets 409.
      return diffBy(olds, news, ["hubHostName", "configurationId"], [...CONNECTION_UPDATES, "targetCondition", "priority", "labels"]);
    },

    async create(inputs) {
      failIfInvalid(edgeDeploymentInputProblems(inputs), `EdgeDeployment '${inputs.configurationId}'`);
      const client = clientFor(connect, inputs);
      const spec = configurationSpec(inputs);
      let held = await client.createOrUpdateConfiguration(spec);
      // Adopted with the same content: bring its target, priority and labels to what is declared.
      if (mutableFieldsDiffer(held, spec)) held = await client.createOrUpdateConfiguration(spec, { ifMatch: held.etag });
      return { id: inputs.configurationId, outs: deploymentOutputs(inputs, held.etag) };
    },

    async read(id, props) {
      if (!props) return { id, props };
      try {
        const found = await clientFor(connect, props).getConfiguration(props.configurationId);
        if (!found) return {};
        // Keep the declared form when the hub's content is canonically the same.
        const content = sameContent(found.content, props.content) ? props.content : normalizeContent(found.content);
        return {
          id,
          props: deploymentOutputs({ ...props, content, targetCondition: found.targetCondition, priority: found.priority, labels: found.labels ?? {} }, found.etag),
        };
      } catch (err) {
        if (isHubGone(err)) return {};
        throw err;
      }
    },

    async update(_id, _olds, news) {
      failIfInvalid(edgeDeploymentInputProblems(news), `EdgeDeployment '${news.configurationId}'`);
      const client = clientFor(connect, news);
      const spec = configurationSpec(news);
      // Read-modify-write with the configuration's etag; gone meanwhile means create it again.
      const current = await client.getConfiguration(news.configurationId);
      const held = current
        ? await client.createOrUpdateConfiguration({ ...spec, content: current.content }, { ifMatch: current.etag })
        : await client.createOrUpdateConfiguration(spec);
      return { outs: deploymentOutputs(news, held.etag) };
    },

    async delete(_id, props) {
      try {
        await clientFor(connect, props).deleteConfiguration(props.configurationId);
      } catch (err) {
        if (!isHubGone(err)) throw err;
      }
    },
  };
}

function deviceContentOutputs(i: EdgeDeviceContentInputs, appliedGenerationId: string): EdgeDeviceContentOutputs {
  return {
    ...pickConnection(i),
    deviceId: i.deviceId,
    content: i.content,
    ...(i.deviceGenerationId !== undefined ? { deviceGenerationId: i.deviceGenerationId } : {}),
    contentHash: contentHash(i.content),
    appliedGenerationId,
  };
}

/** Why the content must be (re-)applied, or undefined when what the device holds is current. */
function contentStale(olds: EdgeDeviceContentOutputs, news: EdgeDeviceContentInputs): string | undefined {
  if (canonicalJson(olds.content) !== canonicalJson(news.content)) return "content";
  // A refresh found the device re-created (new generationId): the hub dropped its module twins.
  if (olds.contentHash !== contentHash(news.content)) return "contentHash";
  if (news.deviceGenerationId !== undefined && news.deviceGenerationId !== olds.appliedGenerationId) return "deviceGenerationId";
  return undefined;
}

/** The EdgeDeviceContent provider: one device's modules set directly, like the portal's "Set modules". */
export function edgeDeviceContentProviderWith(
  connect: ClientFactory,
): pulumi.dynamic.ResourceProvider<EdgeDeviceContentInputs, EdgeDeviceContentOutputs> {
  const apply = async (i: EdgeDeviceContentInputs): Promise<string> => {
    const client = clientFor(connect, i);
    await client.applyConfigurationContent(i.deviceId, i.content);
    if (i.deviceGenerationId !== undefined && i.deviceGenerationId !== UNKNOWN) return i.deviceGenerationId;
    return (await client.getDevice(i.deviceId))?.generationId ?? "";
  };
  return {
    async check(_olds, news) {
      return { inputs: news, failures: edgeDeviceInputProblems({ deviceId: news.deviceId }) };
    },

    async diff(_id, olds, news) {
      const base = diffBy(olds, news, ["hubHostName", "deviceId"], [...CONNECTION_UPDATES]);
      const stale = contentStale(olds, news);
      return stale ? { ...base, changes: true } : base;
    },

    async create(inputs) {
      const applied = await apply(inputs);
      return { id: `${inputs.hubHostName}/${inputs.deviceId}`, outs: deviceContentOutputs(inputs, applied) };
    },

    async read(id, props) {
      if (!props) return { id, props };
      try {
        const device = await clientFor(connect, props).getDevice(props.deviceId);
        // The device is gone: so is its content; the next `up` applies it to the new device.
        if (!device) return {};
        if (device.generationId === props.appliedGenerationId) return { id, props };
        return { id, props: { ...props, contentHash: "" } };
      } catch (err) {
        if (isHubGone(err)) return {};
        throw err;
      }
    },

    async update(_id, olds, news) {
      const applied = contentStale(olds, news) ? await apply(news) : olds.appliedGenerationId;
      return { outs: deviceContentOutputs(news, applied) };
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
