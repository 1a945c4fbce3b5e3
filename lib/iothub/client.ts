/**
 * A small IoT Hub service (data-plane) client for what azure-native cannot do: device identities,
 * twin tags, edge deployments. Plain `fetch`, no Azure SDK, so that it stays serializable inside a
 * Pulumi dynamic provider (see lib/iothub/providers.ts).
 *
 * Failure handling, in one place:
 * - every attempt has its own timeout (AbortController);
 * - 429, 5xx, reset connections and timeouts are retried a bounded number of times, with
 *   exponential backoff and jitter, honouring `Retry-After` (seconds or an HTTP date, capped);
 * - creates never carry `If-Match`, so the service itself refuses a second create; when a retried
 *   create meets 409/412 after an attempt whose outcome is unknown, the client reads the entity back
 *   and accepts it only if it is exactly what was sent (see `createOrUpdateDevice`);
 * - error messages name the operation, the entity and the HTTP status, and are scrubbed of the key,
 *   the token and its signature.
 */
import { createSasToken, sasSignature } from "./sas";

/** The GA api-version of the IoT Hub service API (azure-facts.md, "IoT Hub data plane"). */
export const IOT_HUB_API_VERSION = "2021-04-12";

export interface IotHubClientOptions {
  /** The hub host name, e.g. `myhub.azure-devices.net`; also the SAS token's resource. */
  readonly hostName: string;
  /** Shared access policy name. */
  readonly keyName: string;
  /** The policy key (base64). Never logged, never put in an error. */
  readonly key: string;
  /** Where requests go; default `https://<hostName>`. Tests point it at 127.0.0.1. */
  readonly baseUrl?: string;
  /** Per-attempt timeout, covering the response body too. Default 30 000 ms. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt. Default 4 (5 attempts). */
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
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly tokenTtlSecs: number;
  private token: { readonly value: string; readonly expiresAtMs: number } | undefined;

  constructor(private readonly options: IotHubClientOptions) {
    if (!options.hostName) throw new Error("IotHubClient needs the hub host name");
    if (!options.keyName) throw new Error("IotHubClient needs the shared access policy name");
    if (!options.key) throw new Error(`IotHubClient needs the key of policy '${options.keyName}'`);
    this.baseUrl = (options.baseUrl ?? `https://${options.hostName}`).replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxAttempts = 1 + Math.max(0, Math.floor(options.retries ?? 4));
    this.minDelayMs = options.minDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 20_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    this.tokenTtlSecs = options.tokenTtlSecs ?? 3600;
  }

  /** Reads a device identity; `undefined` when it does not exist. */
  async getDevice(deviceId: string): Promise<Device | undefined> {
    const out = await this.send(
      { name: "getDevice", target: `device '${deviceId}'` },
      { method: "GET", path: `/devices/${encodeURIComponent(deviceId)}`, accept: [404] },
    );
    return out.status === 404 ? undefined : (out.body as Device);
  }

  /**
   * Without `ifMatch`: creates the device, and fails if it already existed before this call.
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
      read: () => this.getDevice(device.deviceId),
      same: (existing) => sameDevice(existing, device),
      taken: "import it into the stack or choose another device id",
    });
  }

  /**
   * PUT without `If-Match` creates and fails on an existing id; with it, replaces. A 409/412 on
   * create is accepted only when an earlier attempt of this call may have reached the hub (a
   * timeout, reset or 5xx) and what the hub now holds is exactly what was sent: so retries never
   * create twice, and somebody else's object is never taken over.
   */
  private async createOrUpdate<T>(o: {
    kind: string;
    noun: string;
    path: string;
    target: string;
    body: unknown;
    ifMatch?: string;
    read: () => Promise<T | undefined>;
    same: (existing: T) => boolean;
    taken: string;
  }): Promise<T> {
    if (o.ifMatch !== undefined) {
      const out = await this.send({ name: `update${o.kind}`, target: o.target }, { method: "PUT", path: o.path, body: o.body, ifMatch: o.ifMatch });
      return out.body as T;
    }
    const op = { name: `create${o.kind}`, target: o.target };
    const out = await this.send(op, { method: "PUT", path: o.path, body: o.body, accept: [409, 412] });
    if (out.status !== 409 && out.status !== 412) return out.body as T;
    if (!out.ambiguous) {
      throw new IotHubError(
        `IoT Hub ${op.name} of ${o.target} failed: HTTP ${out.status}: the ${o.noun} already exists; ${o.taken}`,
        op.name, o.target, out.status, out.attempts,
      );
    }
    const existing = await o.read();
    if (existing !== undefined && o.same(existing)) return existing;
    throw new IotHubError(
      `IoT Hub ${op.name} of ${o.target} failed: HTTP ${out.status} after a retried request, and the ${o.noun} ` +
        "now in the hub is not the one this request created; refusing to take it over",
      op.name, o.target, out.status, out.attempts,
    );
  }

  /** Deletes a device; a device that is already gone counts as deleted. */
  async deleteDevice(deviceId: string): Promise<void> {
    await this.send(
      { name: "deleteDevice", target: `device '${deviceId}'` },
      { method: "DELETE", path: `/devices/${encodeURIComponent(deviceId)}`, ifMatch: "*", accept: [404] },
    );
  }

  async getTwin(deviceId: string): Promise<Twin> {
    const out = await this.send(
      { name: "getTwin", target: `twin of device '${deviceId}'` },
      { method: "GET", path: `/twins/${encodeURIComponent(deviceId)}` },
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
      { method: "PATCH", path: `/twins/${encodeURIComponent(deviceId)}`, body: { tags }, ifMatch },
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
      },
    );
    return out.body as Twin;
  }

  /** Sets one edge device's modules directly (the portal's "Set modules"). Repeating it is harmless. */
  async applyConfigurationContent(deviceId: string, content: ConfigurationContent): Promise<void> {
    await this.send(
      { name: "applyConfigurationContent", target: `device '${deviceId}'` },
      { method: "POST", path: `/devices/${encodeURIComponent(deviceId)}/applyConfigurationContent`, body: content },
    );
  }

  async getConfiguration(id: string): Promise<Configuration | undefined> {
    const out = await this.send(
      { name: "getConfiguration", target: `configuration '${id}'` },
      { method: "GET", path: `/configurations/${encodeURIComponent(id)}`, accept: [404] },
    );
    return out.status === 404 ? undefined : (out.body as Configuration);
  }

  /** Same contract as `createOrUpdateDevice`, for an at-scale deployment. */
  async createOrUpdateConfiguration(config: ConfigurationSpec, opts: { readonly ifMatch?: string } = {}): Promise<Configuration> {
    return this.createOrUpdate<Configuration>({
      kind: "Configuration",
      noun: "configuration",
      path: `/configurations/${encodeURIComponent(config.id)}`,
      target: `configuration '${config.id}'`,
      body: { ...config, schemaVersion: "1.0" },
      ifMatch: opts.ifMatch,
      read: () => this.getConfiguration(config.id),
      same: (existing) => sameConfiguration(existing, config),
      taken: "import it into the stack or choose another name",
    });
  }

  /** Deletes a configuration; one that is already gone counts as deleted. */
  async deleteConfiguration(id: string): Promise<void> {
    await this.send(
      { name: "deleteConfiguration", target: `configuration '${id}'` },
      { method: "DELETE", path: `/configurations/${encodeURIComponent(id)}`, ifMatch: "*", accept: [404] },
    );
  }

  private async authorization(): Promise<string> {
    const nowMs = this.now();
    // Renew five minutes early so a token never expires between signing and arrival.
    if (this.token && this.token.expiresAtMs - 300_000 > nowMs) return this.token.value;
    const expiry = Math.floor(nowMs / 1000) + this.tokenTtlSecs;
    const value = await createSasToken({
      resourceUri: this.options.hostName,
      key: this.options.key,
      keyName: this.options.keyName,
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
    for (const secret of [this.options.key, token, sig, sig ? decodeURIComponent(sig) : undefined]) {
      if (secret) out = out.split(secret).join("[redacted]");
    }
    return out.replace(/SharedAccessSignature [^"'\s,}]+/g, "SharedAccessSignature [redacted]").replace(/sig=[^&"'\s,}]+/g, "sig=[redacted]");
  }

  private fail(op: Operation, status: number | undefined, attempts: number, detail: string): IotHubError {
    const what = status === undefined ? detail : `HTTP ${status}${detail ? `: ${detail}` : ""}`;
    const hint = status === 412 ? " (the entity changed or is gone; run `pulumi refresh`)" : "";
    return new IotHubError(
      this.redact(`IoT Hub ${op.name} of ${op.target} failed after ${attempts} attempt(s): ${what}${hint}`),
      op.name, op.target, status, attempts,
    );
  }

  private async send(op: Operation, req: RequestSpec): Promise<Outcome> {
    const url = `${this.baseUrl}${req.path}?api-version=${IOT_HUB_API_VERSION}`;
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    let ambiguous = false;
    for (let attempt = 1; ; attempt++) {
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
        // The request may have reached the service: a retried create must expect to find its own entity.
        ambiguous = true;
        const detail = timedOut ? `no answer within ${this.timeoutMs} ms` : `connection failed (${networkErrorCode(err)})`;
        if (attempt >= this.maxAttempts) throw this.fail(op, undefined, attempt, detail);
        await this.sleep(this.backoffMs(attempt - 1));
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
      if ((status >= 200 && status < 300) || req.accept?.includes(status)) return { status, body, ambiguous, attempts: attempt };
      if (!RETRIABLE_STATUS(status) || attempt >= this.maxAttempts) throw this.fail(op, status, attempt, serviceMessage(body));
      // 429 means the request was refused unprocessed; a 5xx may have been applied.
      if (status >= 500) ambiguous = true;
      const hinted = parseRetryAfter(retryAfter, this.now());
      await this.sleep(hinted === undefined ? this.backoffMs(attempt - 1) : Math.min(hinted, this.maxRetryAfterMs));
    }
  }
}

function sameDevice(existing: Device, wanted: DeviceSpec): boolean {
  const pick = (d: DeviceSpec) => ({
    deviceId: d.deviceId,
    iotEdge: d.capabilities?.iotEdge === true,
    type: d.authentication?.type,
    keys: d.authentication?.type === "sas" ? d.authentication.symmetricKey : undefined,
    thumbprints:
      d.authentication?.type === "selfSigned"
        ? {
            primary: d.authentication.x509Thumbprint.primaryThumbprint?.toUpperCase(),
            secondary: d.authentication.x509Thumbprint.secondaryThumbprint?.toUpperCase() || undefined,
          }
        : undefined,
  });
  return canonicalJson(pick(existing)) === canonicalJson(pick(wanted));
}

function sameConfiguration(existing: Configuration, wanted: ConfigurationSpec): boolean {
  const pick = (c: ConfigurationSpec) => ({
    id: c.id,
    modulesContent: c.content?.modulesContent,
    targetCondition: c.targetCondition,
    priority: c.priority,
    labels: c.labels ?? {},
  });
  return canonicalJson(pick(existing)) === canonicalJson(pick(wanted));
}
