/**
 * A local stand-in for the IoT Hub service API, for client and provider tests: listens on
 * 127.0.0.1 only, checks every SAS token with its own HMAC code, keeps devices, twins and
 * configurations in memory with the service's create/update/delete rules, records every request,
 * and injects faults (throttling, server errors, reset connections, slow answers) on demand.
 * With `throttle` it enforces the documented per-unit operation rates (the same table as
 * lib/iothub/limiter.ts, which it does not import: it counts requests in a sliding window of one
 * minute divided by `timeScale`) and answers 429 with `Retry-After` beyond them. `gone` makes it
 * answer like a deleted hub; `bearerToken` accepts a Microsoft Entra token; `disableLocalAuth`
 * refuses SAS tokens. Used by the tests and by `npm run bench`.
 * It closes itself after `lifetimeMs` so a forgotten instance cannot keep a test run alive.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Fault =
  /** Answer with this status instead of serving; with `applyFirst`, serve (change state) and then answer with it. */
  | { readonly kind: "status"; readonly status: number; readonly headers?: Record<string, string>; readonly body?: unknown; readonly applyFirst?: boolean }
  /** Destroy the connection without an answer; with `applyFirst`, after changing state. */
  | { readonly kind: "reset"; readonly applyFirst?: boolean }
  /** Serve the request (state changes at once) but send the answer only after `ms`. */
  | { readonly kind: "delay"; readonly ms: number };

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  /** The raw body text, to look for secrets in what went over the wire. */
  readonly rawBody: string;
}

interface Match {
  readonly method?: string;
  readonly path?: string | RegExp;
}

interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

type Json = Record<string, unknown>;

export interface FakeHubOptions {
  readonly hostName?: string;
  readonly keyName?: string;
  /** The policy key (base64) the hub accepts tokens for. */
  readonly key: string;
  readonly lifetimeMs?: number;
  /** Enforce the documented operation rates for this tier and unit count, `timeScale` times faster than real time. */
  readonly throttle?: { readonly sku: "F1" | "S1" | "S2" | "S3"; readonly units: number; readonly timeScale: number };
  /** A bearer token the hub accepts (Microsoft Entra mode). */
  readonly bearerToken?: string;
  /** Refuse SAS tokens, as a hub with `disableLocalAuth` does. */
  readonly disableLocalAuth?: boolean;
}

type OpClass = "registry" | "configuration" | "twin";

/** Operations per minute, as documented per unit (registry, configuration); twin: the limiter's assumption. */
function perMinute(sku: string, units: number, cls: OpClass): number {
  const level = sku === "F1" ? 1 : Number(sku.slice(1));
  if (cls === "registry") return (level === 3 ? 5000 : 100) * units;
  if (cls === "configuration") return 20 * units;
  return 60 * (level === 1 ? Math.max(10, units) : level === 2 ? 5 * units : 50 * units);
}

const API_VERSION = "2021-04-12";

export class FakeHub {
  readonly requests: RecordedRequest[] = [];
  readonly devices = new Map<string, Json>();
  readonly twins = new Map<string, Json>();
  readonly moduleTwins = new Map<string, Json>();
  readonly configurations = new Map<string, Json>();
  /** Content applied per device with applyConfigurationContent. */
  readonly applied = new Map<string, Json>();
  /** How many entities each PUT-create actually created, by path: the "never twice" evidence. */
  readonly creations = new Map<string, number>();
  /** Requests answered 429 by the throttle, per operation class. */
  readonly throttled: Record<OpClass, number> = { registry: 0, configuration: 0, twin: 0 };
  /** Answer every request as a deleted hub does (404 IotHubNotFound). */
  gone = false;
  /** Return configurations with empty `deviceContent` and `moduleContent` beside `modulesContent`. */
  contentExtras = false;
  private readonly windows: Record<OpClass, number[]> = { registry: [], configuration: [], twin: [] };
  private readonly faults: { match: Match; fault: Fault }[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  readonly hostName: string;
  readonly keyName: string;
  private readonly key: string;
  private readonly opts: FakeHubOptions;

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    opts: FakeHubOptions,
  ) {
    this.hostName = opts.hostName ?? "fake-hub.azure-devices.net";
    this.keyName = opts.keyName ?? "iothubowner";
    this.key = opts.key;
    this.opts = opts;
  }

  static async start(opts: FakeHubOptions): Promise<FakeHub> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const hub = new FakeHub(server, `http://127.0.0.1:${port}`, opts);
    server.on("request", (req: IncomingMessage, res: ServerResponse) => hub.handle(req, res));
    const lifetime = setTimeout(() => void hub.close(), opts.lifetimeMs ?? 20_000);
    lifetime.unref();
    return hub;
  }

  /** Queues faults for the next requests that match, one fault per request, in order. */
  inject(match: Match, ...faults: Fault[]): void {
    for (const fault of faults) this.faults.push({ match, fault });
  }

  /** Requests with this method whose path starts with `pathPrefix`. */
  sent(method: string, pathPrefix = "/"): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix));
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      let body: unknown;
      try {
        body = rawBody === "" ? undefined : JSON.parse(rawBody);
      } catch {
        body = rawBody;
      }
      const method = req.method ?? "GET";
      const recorded: RecordedRequest = {
        method,
        path: decodeURIComponent(url.pathname),
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
        rawBody,
      };
      this.requests.push(recorded);

      const throttled = this.throttle(recorded);
      if (throttled) return this.reply(res, throttled);
      const fault = this.takeFault(recorded);
      const serve = (): Reply => this.route(recorded);
      if (!fault) return this.reply(res, serve());
      switch (fault.kind) {
        case "status":
          if (fault.applyFirst) serve();
          return this.reply(res, { status: fault.status, body: fault.body, headers: fault.headers });
        case "reset":
          if (fault.applyFirst) serve();
          req.socket.destroy();
          return;
        case "delay": {
          const reply = serve();
          const t = setTimeout(() => {
            this.timers.delete(t);
            if (!res.destroyed && !res.writableEnded) this.reply(res, reply);
          }, fault.ms);
          this.timers.add(t);
          return;
        }
      }
    });
  }

  /** A sliding window per operation class: beyond the rate, 429 with the wait until a slot frees. */
  private throttle(r: RecordedRequest): Reply | undefined {
    const t = this.opts.throttle;
    if (!t || this.gone) return undefined;
    const parts = r.path.split("/").filter(Boolean);
    const cls: OpClass | undefined =
      parts[0] === "configurations" ? "configuration"
        : parts[0] === "twins" || parts[2] === "applyConfigurationContent" ? "twin"
          : parts[0] === "devices" ? "registry" : undefined;
    if (!cls) return undefined;
    const windowMs = 60_000 / t.timeScale;
    const limit = perMinute(t.sku, t.units, cls);
    const now = performance.now();
    const w = this.windows[cls];
    while (w.length > 0 && w[0] <= now - windowMs) w.shift();
    if (w.length >= limit) {
      this.throttled[cls]++;
      const waitS = Math.max(0.001, (w[0] + windowMs - now) / 1000);
      return { status: 429, headers: { "retry-after": waitS.toFixed(3) }, body: { Message: "ErrorCode:ThrottlingException;throttled" } };
    }
    w.push(now);
    return undefined;
  }

  private takeFault(r: RecordedRequest): Fault | undefined {
    const i = this.faults.findIndex(({ match }) => {
      if (match.method && match.method !== r.method) return false;
      if (match.path === undefined) return true;
      return typeof match.path === "string" ? r.path === match.path : match.path.test(r.path);
    });
    if (i < 0) return undefined;
    return this.faults.splice(i, 1)[0].fault;
  }

  private reply(res: ServerResponse, r: Reply): void {
    if (res.destroyed) return;
    const text = r.body === undefined ? "" : JSON.stringify(r.body);
    res.writeHead(r.status, { "content-type": "application/json; charset=utf-8", ...(r.headers ?? {}) });
    res.end(text);
  }

  /** Checks the SAS token exactly as the documented algorithm says, independently of lib/iothub/sas.ts. */
  private authorized(header: string | undefined): boolean {
    if (this.opts.bearerToken !== undefined && header === `Bearer ${this.opts.bearerToken}`) return true;
    if (this.opts.disableLocalAuth) return false;
    const m = /^SharedAccessSignature (.+)$/.exec(header ?? "");
    if (!m) return false;
    const fields = new Map(m[1].split("&").map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
    const sr = fields.get("sr");
    const se = fields.get("se");
    const sig = fields.get("sig");
    if (!sr || !se || !sig || fields.get("skn") !== this.keyName) return false;
    if (decodeURIComponent(sr) !== this.hostName || Number(se) * 1000 < Date.now()) return false;
    const expected = createHmac("sha256", Buffer.from(this.key, "base64")).update(`${sr}\n${se}`).digest();
    const given = Buffer.from(decodeURIComponent(sig), "base64");
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private route(r: RecordedRequest): Reply {
    if (this.gone) return { status: 404, body: { Message: "ErrorCode:IotHubNotFound;IoT hub not found" } };
    if (!this.authorized(r.headers.authorization)) return { status: 401, body: { Message: "ErrorCode:IotHubUnauthorizedAccess;Unauthorized" } };
    if (r.query["api-version"] !== API_VERSION) return { status: 400, body: { Message: "ErrorCode:InvalidProtocolVersion" } };
    const ifMatch = r.headers["if-match"];
    const parts = r.path.split("/").filter(Boolean);
    const [collection, id, sub, subId] = parts;
    if (collection === "devices" && parts.length === 2) return this.entity(this.devices, r, id, ifMatch, "Device");
    if (collection === "configurations" && parts.length === 2) return this.entity(this.configurations, r, id, ifMatch, "Configuration");
    if (collection === "devices" && sub === "applyConfigurationContent" && r.method === "POST") {
      if (!this.devices.has(id)) return notFound("Device");
      this.applied.set(id, r.body as Json);
      return { status: 204 };
    }
    if (collection === "twins" && parts.length === 2) {
      const twin = this.twins.get(id);
      if (!twin) return notFound("Device");
      if (r.method === "GET") return { status: 200, body: twin };
      if (r.method === "PATCH") {
        if (ifMatch !== undefined && ifMatch !== "*" && ifMatch !== `"${String(twin.etag)}"`) return preconditionFailed();
        const tags = { ...(twin.tags as Json) };
        for (const [k, v] of Object.entries(((r.body as Json).tags as Json | undefined) ?? {})) {
          if (v === null) delete tags[k];
          else tags[k] = v;
        }
        const next = { ...twin, tags, etag: newEtag(), version: Number(twin.version) + 1 };
        this.twins.set(id, next);
        return { status: 200, body: next };
      }
    }
    if (collection === "twins" && sub === "modules" && parts.length === 4 && r.method === "PATCH") {
      if (!this.devices.has(id)) return notFound("Device");
      const key = `${id}/${subId}`;
      const desired = (((r.body as Json).properties as Json | undefined)?.desired as Json | undefined) ?? {};
      const prev = this.moduleTwins.get(key) ?? { deviceId: id, moduleId: subId, properties: { desired: {} } };
      const next = { ...prev, properties: { desired: { ...((prev.properties as Json).desired as Json), ...desired } }, etag: newEtag() };
      this.moduleTwins.set(key, next);
      return { status: 200, body: next };
    }
    return { status: 404, body: { Message: "ErrorCode:NotFound;no such route in the fake hub" } };
  }

  private entity(store: Map<string, Json>, r: RecordedRequest, id: string, ifMatch: string | undefined, kind: "Device" | "Configuration"): Reply {
    const existing = store.get(id);
    switch (r.method) {
      case "GET":
        if (existing && kind === "Configuration" && this.contentExtras) {
          return { status: 200, body: { ...existing, content: { deviceContent: {}, moduleContent: {}, ...(existing.content as Json) } } };
        }
        return existing ? { status: 200, body: existing } : notFound(kind);
      case "DELETE":
        if (!existing) return notFound(kind);
        if (ifMatch !== "*" && ifMatch !== `"${String(existing.etag)}"`) return preconditionFailed();
        store.delete(id);
        if (kind === "Device") this.twins.delete(id);
        return { status: 204 };
      case "PUT": {
        const body = { ...(r.body as Json) };
        if (ifMatch === undefined) {
          if (existing) return { status: 409, body: { Message: `ErrorCode:${kind}AlreadyExists;${kind} ${id} already exists` } };
          this.creations.set(r.path, (this.creations.get(r.path) ?? 0) + 1);
          const created = kind === "Device" ? this.newDevice(body) : { ...body, etag: newEtag() };
          store.set(id, created);
          if (kind === "Device") this.twins.set(id, { deviceId: id, etag: newEtag(), version: 1, tags: {}, properties: { desired: {}, reported: {} } });
          return { status: 200, body: created };
        }
        if (!existing) return notFound(kind);
        if (ifMatch !== "*" && ifMatch !== `"${String(existing.etag)}"`) return preconditionFailed();
        if (kind === "Configuration" && JSON.stringify(existing.content) !== JSON.stringify(body.content)) {
          return { status: 400, body: { Message: "ErrorCode:ArgumentInvalid;configuration content cannot be updated" } };
        }
        const updated = kind === "Device" ? { ...this.newDevice(body), generationId: existing.generationId } : { ...body, etag: newEtag() };
        store.set(id, updated);
        return { status: 200, body: updated };
      }
      default:
        return { status: 405 };
    }
  }

  private newDevice(body: Json): Json {
    const auth = { ...(body.authentication as Json) };
    if (auth.type === "sas") {
      const keys = (auth.symmetricKey as Json | undefined) ?? {};
      auth.symmetricKey = {
        primaryKey: keys.primaryKey || randomBytes(32).toString("base64"),
        secondaryKey: keys.secondaryKey || randomBytes(32).toString("base64"),
      };
    }
    return { ...body, authentication: auth, etag: newEtag(), generationId: randomUUID(), connectionState: "Disconnected" };
  }
}

function newEtag(): string {
  return randomBytes(6).toString("base64");
}

function notFound(kind: string): Reply {
  return { status: 404, body: { Message: `ErrorCode:${kind}NotFound;not found` } };
}

function preconditionFailed(): Reply {
  return { status: 412, body: { Message: "ErrorCode:PreconditionFailed;Precondition failed: the etag does not match" } };
}
