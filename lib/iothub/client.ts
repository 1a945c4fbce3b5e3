/**
 * A small IoT Hub service (data-plane) client for what azure-native cannot do: device identities,
 * twin tags, edge deployments. Plain `fetch`, no Azure SDK, so that it stays serializable inside a
 * Pulumi dynamic provider (see lib/iothub/providers.ts).
 *
 * Failure handling, in one place:
 * - every attempt has its own timeout (AbortController);
 * - every request waits for its turn on the hub's process-wide pacer (lib/iothub/limiter.ts) when
 *   the hub's tier and units are known, so parallel resources stay under the throttles;
 * - 429, 5xx, reset connections and timeouts are retried within a retry budget measured in time
 *   (default 15 minutes), with exponential backoff and jitter, honouring `Retry-After` (seconds or
 *   an HTTP date, capped), which also holds back every other request to that hub;
 * - a hub that no longer exists (DNS `ENOTFOUND`, `IotHubNotFound`) fails at once with `hubGone`;
 * - creates never carry `If-Match`, so the service itself refuses a second create; a create that
 *   meets 409 reads the entity back and adopts it only if it is exactly what would be created
 *   (see `createOrUpdateDevice`), otherwise says how to recover;
 * - device updates are read-modify-write with the device's etag (`updateDevice`);
 * - error messages name the operation, the entity and the HTTP status, and are scrubbed of the key,
 *   the token and its signature.
 */
import { createSasToken, sasSignature } from "./sas";
import { sharedPacer, type HubThrottle, type OperationClass, type Pacer } from "./limiter";
import type { TokenSource } from "./entra";

/** The GA api-version of the IoT Hub service API (azure-facts.md, "IoT Hub data plane"). */
export const IOT_HUB_API_VERSION = "2021-04-12";

export interface IotHubClientOptions {
  /** The hub host name, e.g. `myhub.azure-devices.net`; also the SAS token's resource. */
  readonly hostName: string;
  /** Shared access policy name (SAS mode). */
  readonly keyName?: string;
  /** The policy key (base64; SAS mode). Never logged, never put in an error. */
  readonly key?: string;
  /** Microsoft Entra mode: where bearer tokens come from (lib/iothub/entra.ts). Replaces keyName/key. */
  readonly tokenSource?: TokenSource;
  /** The hub's tier and units: when set, requests are paced below its throttles (lib/iothub/limiter.ts). */
  readonly throttle?: HubThrottle;
  /** How much faster than real time the hub's throttle windows run (tests, bench). Default 1. */
  readonly timeScale?: number;
  /** Overrides the process-wide pacers (tests). */
  readonly pacer?: (cls: OperationClass) => Pacer | undefined;
  /** How long one call may keep retrying after its first failure. Default 900 000 ms (15 minutes). */
  readonly retryBudgetMs?: number;
  /** Where requests go; default `https://<hostName>`. Tests point it at 127.0.0.1. */
  readonly baseUrl?: string;
  /** Per-attempt timeout, covering the response body too. Default 30 000 ms. */
  readonly timeoutMs?: number;
  /** An additional cap on retries after the first attempt (tests). Default: only the time budget. */
  readonly retries?: number;
  /** Backoff before the first retry; doubled each time. Default 500 ms. */
  readonly minDelayMs?: number;
  /** Backoff ceiling. Default 20 000 ms. */
  readonly maxDelayMs?: number;
  /** Ceiling on a server's `Retry-After`, so a hostile or broken value cannot stall a deployment. Default 60 000 ms. */
  readonly maxRetryAfterMs?: number;
  /** Jitter source in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /** How to wait between attempts. Default a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Clock in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** Lifetime of the SAS tokens the client signs. Default 3 600 s. */
  readonly tokenTtlSecs?: number;
}

export type DeviceAuthentication =
  | { readonly type: "sas"; readonly symmetricKey: { readonly primaryKey: string; readonly secondaryKey: string } }
  | {
      readonly type: "selfSigned";
      readonly x509Thumbprint: { readonly primaryThumbprint: string; readonly secondaryThumbprint?: string };
    };

/** What the client sends for a device identity (swagger definition `Device`). */
export interface DeviceSpec {
  readonly deviceId: string;
  readonly status: "enabled" | "disabled";
  readonly capabilities: { readonly iotEdge: boolean };
  readonly authentication: DeviceAuthentication;
}

/** A device as the hub returns it. */
export interface Device extends DeviceSpec {
  readonly etag: string;
  readonly generationId: string;
}

export interface ConfigurationContent {
  readonly modulesContent: Record<string, unknown>;
}

/** What the client sends for an at-scale edge deployment (swagger definition `Configuration`). */
export interface ConfigurationSpec {
  readonly id: string;
  readonly content: ConfigurationContent;
  readonly targetCondition: string;
  readonly priority: number;
  readonly labels: Record<string, string>;
}

export interface Configuration extends ConfigurationSpec {
  readonly etag: string;
}

export interface Twin {
  readonly deviceId: string;
  readonly etag: string;
  readonly tags?: Record<string, unknown>;
}

/** An IoT Hub call that failed for good. The message never contains key, token or signature. */
export class IotHubError extends Error {
  constructor(
    message: string,
    /** e.g. `createDevice`. */
    readonly operation: string,
    /** e.g. `device 'edge-01'`. */
    readonly target: string,
    /** The last HTTP status, when a response arrived at all. */
    readonly status: number | undefined,
    /** How many requests were sent. */
    readonly attempts: number,
    /** The hub itself no longer exists (DNS name gone, or `IotHubNotFound`). */
    readonly hubGone = false,
  ) {
    super(message);
    this.name = "IotHubError";
  }
}

interface Operation {
  readonly name: string;
  readonly target: string;
}

interface RequestSpec {
  readonly method: "GET" | "PUT" | "PATCH" | "POST" | "DELETE";
  readonly path: string;
  readonly body?: unknown;
  readonly ifMatch?: string;
  /** Statuses that end the call without being errors (beyond 2xx), e.g. 404 on delete. */
  readonly accept?: readonly number[];
  /** The throttle the operation counts against. */
  readonly cls: OperationClass;
}

interface Outcome {
  readonly status: number;
  readonly body: unknown;
  /** True when an earlier attempt may have been applied by the service although no answer came back. */
  readonly ambiguous: boolean;
  readonly attempts: number;
}

/** JSON with object keys sorted, so equal values give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Parses `Retry-After` (delta seconds or an HTTP date) into milliseconds from `nowMs`. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

const RETRIABLE_STATUS = (s: number): boolean => s === 429 || s >= 500;

// Network errors surface from undici as `TypeError: fetch failed` with a `cause.code`.
function networkErrorCode(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === "string" ? cause.code : "network error";
}

function serviceMessage(body: unknown): string {
  if (body === undefined || body === null || body === "") return "";
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

export class IotHubClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly retryBudgetMs: number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly tokenTtlSecs: number;
  private readonly pacer: (cls: OperationClass) => Pacer | undefined;
  private token: { readonly value: string; readonly expiresAtMs: number } | undefined;

  constructor(private readonly options: IotHubClientOptions) {
    if (!options.hostName) throw new Error("IotHubClient needs the hub host name");
    if (!options.tokenSource) {
      if (!options.keyName) throw new Error("IotHubClient needs the shared access policy name, or a Microsoft Entra token source");
      if (!options.key) throw new Error(`IotHubClient needs the key of policy '${options.keyName}'`);
    }
    this.baseUrl = (options.baseUrl ?? `https://${options.hostName}`).replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxAttempts = options.retries === undefined ? Number.POSITIVE_INFINITY : 1 + Math.max(0, Math.floor(options.retries));
    this.retryBudgetMs = options.retryBudgetMs ?? 900_000;
    this.minDelayMs = options.minDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 20_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    this.tokenTtlSecs = options.tokenTtlSecs ?? 3600;
    const throttle = options.throttle;
    this.pacer = options.pacer ?? ((cls) => (throttle ? sharedPacer(options.hostName, throttle, cls, options.timeScale ?? 1) : undefined));
  }

  /** Reads a device identity; `undefined` when it does not exist. */
  async getDevice(deviceId: string): Promise<Device | undefined> {
    const out = await this.send(
      { name: "getDevice", target: `device '${deviceId}'` },
      { method: "GET", path: `/devices/${encodeURIComponent(deviceId)}`, accept: [404], cls: "registry" },
    );
    return out.status === 404 ? undefined : (out.body as Device);
  }

  /**
   * Without `ifMatch`: creates the device; when it already exists, adopts it if it is exactly what
   * would be created (same auth type and keys or thumbprints), else fails saying how to recover.
   * With `ifMatch` (`"*"` or an etag): replaces an existing device.
   */
  async createOrUpdateDevice(device: DeviceSpec, opts: { readonly ifMatch?: string } = {}): Promise<Device> {
    return this.createOrUpdate<Device>({
      kind: "Device",
      noun: "device",
      path: `/devices/${encodeURIComponent(device.deviceId)}`,
      target: `device '${device.deviceId}'`,
      body: device,
      ifMatch: opts.ifMatch,
      cls: "registry",
      read: () => this.getDevice(device.deviceId),
      same: (existing) => sameDevice(existing, device),
      recover:
        `if it is a leftover of this stack, delete it (az iot hub device-identity delete --hub-name <hub> --device-id '${device.deviceId}') ` +
        "and run `pulumi up` again; otherwise choose another device id (`pulumi import` cannot adopt dynamic resources)",
    });
  }

  /**
   * Read-modify-write of a device: reads it, lets `merge` change only the fields the caller owns
   * on the full object the hub returned (so fields such as `statusReason` survive), and writes it
   * back with the read etag. Someone else's write in between (412) restarts the cycle, at most 3 times.
   */
  async updateDevice(deviceId: string, merge: (current: Device) => Record<string, unknown>): Promise<Device> {
    const op = { name: "updateDevice", target: `device '${deviceId}'` };
    for (let round = 1; ; round++) {
      const current = await this.getDevice(deviceId);
      if (!current) throw new IotHubError(`IoT Hub ${op.name} of ${op.target} failed: the device does not exist (run \`pulumi refresh\`, then \`pulumi up\` creates it)`, op.name, op.target, 404, round);
      const out = await this.send(op, {
        method: "PUT",
        path: `/devices/${encodeURIComponent(deviceId)}`,
        body: merge(current),
        ifMatch: current.etag,
        accept: round < 3 ? [412] : [],
        cls: "registry",
      });
      if (out.status !== 412) return out.body as Device;
    }
  }

  private async createOrUpdate<T>(o: {
    kind: string;
    noun: string;
    path: string;
    target: string;
    body: unknown;
    ifMatch?: string;
    cls: OperationClass;
    read: () => Promise<T | undefined>;
    same: (existing: T) => boolean;
    recover: string;
  }): Promise<T> {
    if (o.ifMatch !== undefined) {
      const out = await this.send({ name: `update${o.kind}`, target: o.target }, { method: "PUT", path: o.path, body: o.body, ifMatch: o.ifMatch, cls: o.cls });
      return out.body as T;
    }
    const op = { name: `create${o.kind}`, target: o.target };
    const out = await this.send(op, { method: "PUT", path: o.path, body: o.body, accept: [409, 412], cls: o.cls });
    if (out.status !== 409 && out.status !== 412) return out.body as T;
    // Ours when identical: an earlier attempt, or an earlier `up` whose create reached the hub but
    // failed (timeout, then 429s) and so recorded nothing in the stack.
    const existing = await o.read();
    if (existing !== undefined && o.same(existing)) return existing;
    throw new IotHubError(
      `IoT Hub ${op.name} of ${o.target} failed: HTTP ${out.status}: a ${o.noun} with this id already exists and differs from ` +
        `the one this stack declares; refusing to take it over. To recover: ${o.recover}`,
      op.name, o.target, out.status, out.attempts,
    );
  }

  /** Deletes a device; a device that is already gone counts as deleted. */
  async deleteDevice(deviceId: string): Promise<void> {
    await this.send(
      { name: "deleteDevice", target: `device '${deviceId}'` },
      { method: "DELETE", path: `/devices/${encodeURIComponent(deviceId)}`, ifMatch: "*", accept: [404], cls: "registry" },
    );
  }

  async getTwin(deviceId: string): Promise<Twin> {
    const out = await this.send(
      { name: "getTwin", target: `twin of device '${deviceId}'` },
      { method: "GET", path: `/twins/${encodeURIComponent(deviceId)}`, cls: "twin" },
    );
    return out.body as Twin;
  }

  /**
   * Merges `tags` into the device twin's tags (a tag set to `null` is removed). Tags are what
   * deployment target conditions select on, e.g. `tags.environment='dev'`.
   */
  async updateTwinTags(deviceId: string, tags: Record<string, unknown>, ifMatch = "*"): Promise<Twin> {
    const out = await this.send(
      { name: "updateTwinTags", target: `twin of device '${deviceId}'` },
      { method: "PATCH", path: `/twins/${encodeURIComponent(deviceId)}`, body: { tags }, ifMatch, cls: "twin" },
    );
    return out.body as Twin;
  }

  /**
   * Merges desired properties into a module twin. Meant for the Defender for IoT micro agent's
   * `DefenderIotMicroAgent` twin, in case a deployment's modulesContent does not reach a module
   * identity that IoT Edge does not manage (unconfirmed; see lib/manifest.ts).
   */
  async updateModuleTwinDesired(deviceId: string, moduleId: string, desired: Record<string, unknown>): Promise<Twin> {
    const out = await this.send(
      { name: "updateModuleTwin", target: `twin of module '${moduleId}' on device '${deviceId}'` },
      {
        method: "PATCH",
        path: `/twins/${encodeURIComponent(deviceId)}/modules/${encodeURIComponent(moduleId)}`,
        body: { properties: { desired } },
        ifMatch: "*",
        cls: "twin",
      },
    );
    return out.body as Twin;
  }

  /** Sets one edge device's modules directly (the portal's "Set modules"). Repeating it is harmless. */
  async applyConfigurationContent(deviceId: string, content: ConfigurationContent): Promise<void> {
    await this.send(
      { name: "applyConfigurationContent", target: `device '${deviceId}'` },
      // Counted as twin updates (it writes the $edgeAgent/$edgeHub module twins): unconfirmed.
      { method: "POST", path: `/devices/${encodeURIComponent(deviceId)}/applyConfigurationContent`, body: content, cls: "twin" },
    );
  }

  async getConfiguration(id: string): Promise<Configuration | undefined> {
    const out = await this.send(
      { name: "getConfiguration", target: `configuration '${id}'` },
      { method: "GET", path: `/configurations/${encodeURIComponent(id)}`, accept: [404], cls: "configuration" },
    );
    return out.status === 404 ? undefined : (out.body as Configuration);
  }

  /**
   * Same contract as `createOrUpdateDevice`, for an at-scale deployment: a 409 adopts an existing
   * configuration whose content is canonically the same (its mutable fields are then the caller's
   * to update), and refuses one with other content.
   */
  async createOrUpdateConfiguration(config: ConfigurationSpec, opts: { readonly ifMatch?: string } = {}): Promise<Configuration> {
    return this.createOrUpdate<Configuration>({
      kind: "Configuration",
      noun: "configuration",
      path: `/configurations/${encodeURIComponent(config.id)}`,
      target: `configuration '${config.id}'`,
      body: { ...config, schemaVersion: "1.0" },
      ifMatch: opts.ifMatch,
      cls: "configuration",
      read: () => this.getConfiguration(config.id),
      same: (existing) => sameContent(existing.content, config.content),
      recover:
        `delete it (az iot edge deployment delete --hub-name <hub> --deployment-id '${config.id}') and run \`pulumi up\` again, ` +
        "or change the deployment's base name (`pulumi import` cannot adopt dynamic resources)",
    });
  }

  /** Deletes a configuration; one that is already gone counts as deleted. */
  async deleteConfiguration(id: string): Promise<void> {
    await this.send(
      { name: "deleteConfiguration", target: `configuration '${id}'` },
      { method: "DELETE", path: `/configurations/${encodeURIComponent(id)}`, ifMatch: "*", accept: [404], cls: "configuration" },
    );
  }

  private async authorization(): Promise<string> {
    const nowMs = this.now();
    // Renew five minutes early so a token never expires between signing and arrival.
    if (this.token && this.token.expiresAtMs - 300_000 > nowMs) return this.token.value;
    if (this.options.tokenSource) {
      const t = await this.options.tokenSource();
      this.token = { value: `Bearer ${t.token}`, expiresAtMs: t.expiresOnMs };
      return this.token.value;
    }
    const expiry = Math.floor(nowMs / 1000) + this.tokenTtlSecs;
    const value = await createSasToken({
      resourceUri: this.options.hostName,
      key: this.options.key ?? "",
      keyName: this.options.keyName ?? "",
      expiry,
    });
    this.token = { value, expiresAtMs: expiry * 1000 };
    return value;
  }

  private backoffMs(retry: number): number {
    const ceiling = Math.min(this.maxDelayMs, this.minDelayMs * 2 ** retry);
    // "Equal jitter": never less than half the step, so retries stay spread out but still back off.
    return Math.round(ceiling / 2 + this.random() * (ceiling / 2));
  }

  private redact(text: string): string {
    let out = text;
    const token = this.token?.value;
    const sig = token ? sasSignature(token) : undefined;
    const bearer = token?.startsWith("Bearer ") ? token.slice(7) : undefined;
    for (const secret of [this.options.key, token, bearer, sig, sig ? decodeURIComponent(sig) : undefined]) {
      if (secret) out = out.split(secret).join("[redacted]");
    }
    return out
      .replace(/SharedAccessSignature [^"'\s,}]+/g, "SharedAccessSignature [redacted]")
      .replace(/Bearer [^"'\s,}]+/g, "Bearer [redacted]")
      .replace(/sig=[^&"'\s,}]+/g, "sig=[redacted]");
  }

  private fail(op: Operation, status: number | undefined, attempts: number, detail: string, hubGone = false): IotHubError {
    const what = status === undefined ? detail : `HTTP ${status}${detail ? `: ${detail}` : ""}`;
    const hint = status === 412 ? " (the entity changed or is gone; run `pulumi refresh`)" : "";
    return new IotHubError(
      this.redact(`IoT Hub ${op.name} of ${op.target} failed after ${attempts} attempt(s): ${what}${hint}`),
      op.name, op.target, status, attempts, hubGone,
    );
  }

  private async send(op: Operation, req: RequestSpec): Promise<Outcome> {
    const url = `${this.baseUrl}${req.path}?api-version=${IOT_HUB_API_VERSION}`;
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    const pacer = this.pacer(req.cls);
    let ambiguous = false;
    let firstFailureAt: number | undefined;
    // Whether another attempt may start after waiting `delayMs`: within the count cap and the time budget.
    const mayRetry = (attempt: number, delayMs: number): boolean => {
      firstFailureAt ??= this.now();
      return attempt < this.maxAttempts && this.now() - firstFailureAt + delayMs <= this.retryBudgetMs;
    };
    for (let attempt = 1; ; attempt++) {
      await pacer?.acquire();
      const headers: Record<string, string> = {
        Authorization: await this.authorization(),
        Accept: "application/json",
      };
      if (payload !== undefined) headers["Content-Type"] = "application/json; charset=utf-8";
      // `*` goes unquoted (RFC 9110); a concrete etag must be a quoted entity tag.
      if (req.ifMatch !== undefined) headers["If-Match"] = req.ifMatch === "*" ? "*" : `"${req.ifMatch.replace(/^"|"$/g, "")}"`;

      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.timeoutMs);
      let status: number;
      let text: string;
      let retryAfter: string | null;
      try {
        const res = await fetch(url, { method: req.method, headers, body: payload, signal: controller.signal });
        text = await res.text();
        status = res.status;
        retryAfter = res.headers.get("retry-after");
      } catch (err) {
        const code = networkErrorCode(err);
        // The hub's DNS name is gone: the hub was deleted. Retrying cannot help.
        if (!timedOut && code === "ENOTFOUND") throw this.fail(op, undefined, attempt, `the hub's name does not resolve (ENOTFOUND): the hub no longer exists`, true);
        // The request may have reached the service: a retried create must expect to find its own entity.
        ambiguous = true;
        const detail = timedOut ? `no answer within ${this.timeoutMs} ms` : `connection failed (${code})`;
        const delay = this.backoffMs(attempt - 1);
        if (!mayRetry(attempt, delay)) throw this.fail(op, undefined, attempt, detail);
        await this.sleep(delay);
        continue;
      } finally {
        clearTimeout(timer);
      }

      let body: unknown = text;
      try {
        body = text === "" ? undefined : JSON.parse(text);
      } catch {
        // Non-JSON bodies (gateways, proxies) are kept as text for the error message.
      }
      if (status === 404 && /IotHubNotFound/.test(serviceMessage(body))) throw this.fail(op, status, attempt, serviceMessage(body), true);
      if ((status >= 200 && status < 300) || req.accept?.includes(status)) return { status, body, ambiguous, attempts: attempt };
      if (!RETRIABLE_STATUS(status)) throw this.fail(op, status, attempt, serviceMessage(body));
      // 429 means the request was refused unprocessed; a 5xx may have been applied.
      if (status >= 500) ambiguous = true;
      const hinted = parseRetryAfter(retryAfter, this.now());
      const delay = hinted === undefined ? this.backoffMs(attempt - 1) : Math.min(hinted, this.maxRetryAfterMs);
      if (!mayRetry(attempt, delay)) throw this.fail(op, status, attempt, serviceMessage(body));
      // A throttled hub throttles everyone: hold back every request to it, not only this one.
      if (status === 429) pacer?.penalize(delay);
      await this.sleep(delay);
    }
  }
}

/** Both thumbprints, upper case; a missing secondary is the primary (Microsoft: set both). */
export function thumbprintPair(t: { primaryThumbprint?: string; secondaryThumbprint?: string }): { primary: string; secondary: string } {
  const primary = (t.primaryThumbprint ?? "").toUpperCase();
  return { primary, secondary: (t.secondaryThumbprint || primary).toUpperCase() };
}

function sameDevice(existing: Device, wanted: DeviceSpec): boolean {
  const pick = (d: DeviceSpec) => ({
    deviceId: d.deviceId,
    iotEdge: d.capabilities?.iotEdge === true,
    type: d.authentication?.type,
    keys: d.authentication?.type === "sas" ? d.authentication.symmetricKey : undefined,
    thumbprints: d.authentication?.type === "selfSigned" ? thumbprintPair(d.authentication.x509Thumbprint ?? {}) : undefined,
  });
  return canonicalJson(pick(existing)) === canonicalJson(pick(wanted));
}

/**
 * The hub may return a configuration's content with `deviceContent` and `moduleContent` beside
 * `modulesContent` (the API's other content kinds); empty ones carry nothing, so they are dropped.
 */
export function normalizeContent(content: unknown): ConfigurationContent {
  const c = (content ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = { modulesContent: c.modulesContent ?? {} };
  for (const [k, v] of Object.entries(c)) {
    if (k === "modulesContent") continue;
    const empty = v === null || v === undefined || (typeof v === "object" && Object.keys(v as object).length === 0);
    if (!empty) out[k] = v;
  }
  return out as unknown as ConfigurationContent;
}

/** Whether two configuration contents are the same once normalized and canonically ordered. */
export function sameContent(a: unknown, b: unknown): boolean {
  return canonicalJson(normalizeContent(a)) === canonicalJson(normalizeContent(b));
}
