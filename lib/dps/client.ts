/**
 * A small client for the DPS service API (enrollment groups), plain `fetch`, so it stays
 * serializable inside a dynamic provider.
 *
 * Endpoint, verbs and api-version from azure-rest-api-specs
 * `specification/deviceprovisioningservices/data-plane/Microsoft.Devices/stable/2021-10-01/service.json`:
 * `PUT/GET/DELETE /enrollmentGroups/{id}`, PUT with an optional `If-Match`, DELETE answers 204.
 * Whether DPS refuses a PUT without `If-Match` on an existing group with 409/412 (as IoT Hub does
 * for devices) is unconfirmed: the client therefore reads before it creates, and treats a 409/412
 * on create like the hub client does.
 *
 * The pacing and retry policy duplicates lib/iothub/client.ts on purpose (that folder is being
 * reworked in parallel); the integrator can unify both behind one helper:
 * - a timeout per attempt; 429, 5xx, resets and timeouts retried with capped exponential backoff
 *   and jitter, honouring `Retry-After` (capped);
 * - a create whose earlier attempt may have landed (timeout, reset, 5xx) and then meets 409/412
 *   adopts what DPS holds only if it is exactly what was sent;
 * - 404 on delete counts as deleted (gone means gone);
 * - errors name the operation and the group, never the key, the token or its signature.
 */
import { createDpsSasToken } from "./sas";

export const DPS_API_VERSION = "2021-10-01";

export type EnrollmentAttestation =
  | { readonly type: "x509"; readonly x509: { readonly signingCertificates: { readonly primary: { readonly certificate: string } } } }
  | { readonly type: "symmetricKey"; readonly symmetricKey: { readonly primaryKey: string; readonly secondaryKey: string } };

/** What the client sends (swagger definition `EnrollmentGroup`, the fields this stack sets). */
export interface EnrollmentGroupSpec {
  readonly enrollmentGroupId: string;
  readonly attestation: EnrollmentAttestation;
  readonly capabilities: { readonly iotEdge: boolean };
  readonly initialTwin: { readonly tags: Record<string, string>; readonly properties: { readonly desired: Record<string, unknown> } };
  readonly provisioningStatus: "enabled" | "disabled";
  readonly allocationPolicy: "hashed";
  readonly iotHubs: readonly string[];
  readonly reprovisionPolicy: { readonly updateHubAssignment: boolean; readonly migrateDeviceData: boolean };
}

export interface EnrollmentGroup extends EnrollmentGroupSpec {
  readonly etag: string;
}

export interface DpsClientOptions {
  /** `<dps>.azure-devices-provisioning.net`: the SAS resource and, by default, where requests go. */
  readonly hostName: string;
  readonly keyName: string;
  /** Base64 policy key; never logged. */
  readonly key: string;
  /** Tests point this at 127.0.0.1. */
  readonly baseUrl?: string;
  /** Default 30 000 ms. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt; default 4. */
  readonly retries?: number;
  /** Default 500 ms, doubled per retry up to maxDelayMs (default 20 000 ms). */
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Cap on a server's Retry-After; default 60 000 ms. */
  readonly maxRetryAfterMs?: number;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export class DpsError extends Error {
  constructor(message: string, readonly operation: string, readonly status: number | undefined, readonly attempts: number) {
    super(message);
    this.name = "DpsError";
  }
}

/** JSON with sorted object keys, so equal values compare equal whatever their key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v);
}

/** The fields this stack owns, for "is what DPS holds exactly what we sent". */
export function sameEnrollmentGroup(existing: EnrollmentGroupSpec, wanted: EnrollmentGroupSpec): boolean {
  const pick = (g: EnrollmentGroupSpec) => ({
    id: g.enrollmentGroupId,
    attestation: g.attestation,
    iotEdge: g.capabilities?.iotEdge === true,
    tags: g.initialTwin?.tags ?? {},
    status: g.provisioningStatus,
    allocationPolicy: g.allocationPolicy,
    iotHubs: [...(g.iotHubs ?? [])].sort(),
  });
  return canonical(pick(existing)) === canonical(pick(wanted));
}

export function parseRetryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

interface Outcome {
  readonly status: number;
  readonly body: unknown;
  readonly ambiguous: boolean;
  readonly attempts: number;
}

export class DpsClient {
  private readonly baseUrl: string;
  private token: { value: string; expiresAtMs: number } | undefined;

  constructor(private readonly o: DpsClientOptions) {
    if (!o.hostName || !o.keyName || !o.key) throw new Error("DpsClient needs the DPS host name, a policy name and its key");
    this.baseUrl = (o.baseUrl ?? `https://${o.hostName}`).replace(/\/+$/, "");
  }

  async getEnrollmentGroup(id: string): Promise<EnrollmentGroup | undefined> {
    const out = await this.send("getEnrollmentGroup", id, "GET", undefined, undefined, [404]);
    return out.status === 404 ? undefined : (out.body as EnrollmentGroup);
  }

  /**
   * Without `ifMatch`: create, refusing a group that already exists (unless a retried attempt of
   * this very call created it). With `ifMatch` (`*` or an etag): replace.
   */
  async createOrUpdateEnrollmentGroup(group: EnrollmentGroupSpec, opts: { readonly ifMatch?: string } = {}): Promise<EnrollmentGroup> {
    const id = group.enrollmentGroupId;
    if (opts.ifMatch !== undefined) {
      return (await this.send("updateEnrollmentGroup", id, "PUT", group, opts.ifMatch)).body as EnrollmentGroup;
    }
    const before = await this.getEnrollmentGroup(id);
    if (before) throw this.taken(id, before, group, 1);
    const out = await this.send("createEnrollmentGroup", id, "PUT", group, undefined, [409, 412]);
    if (out.status !== 409 && out.status !== 412) return out.body as EnrollmentGroup;
    const existing = await this.getEnrollmentGroup(id);
    if (out.ambiguous && existing && sameEnrollmentGroup(existing, group)) return existing;
    throw new DpsError(
      `DPS createEnrollmentGroup of enrollment group '${id}' failed: HTTP ${out.status}: the group exists and is not the one this request created; ` +
        "import it into the stack (pulumi import) or delete it in the portal",
      "createEnrollmentGroup", out.status, out.attempts);
  }

  /** Deletes the group; a group already gone counts as deleted. */
  async deleteEnrollmentGroup(id: string): Promise<void> {
    await this.send("deleteEnrollmentGroup", id, "DELETE", undefined, "*", [404]);
  }

  private taken(id: string, existing: EnrollmentGroup, wanted: EnrollmentGroupSpec, attempts: number): DpsError {
    const same = sameEnrollmentGroup(existing, wanted);
    return new DpsError(
      `DPS createEnrollmentGroup of enrollment group '${id}' failed: the group already exists${same ? " with the same settings" : " with other settings"}; ` +
        "import it into the stack (pulumi import) or delete it in the portal",
      "createEnrollmentGroup", 409, attempts);
  }

  private async authorization(): Promise<string> {
    const nowMs = (this.o.now ?? Date.now)();
    if (this.token && this.token.expiresAtMs - 300_000 > nowMs) return this.token.value;
    const expiry = Math.floor(nowMs / 1000) + 3600;
    this.token = { value: await createDpsSasToken({ resourceUri: this.o.hostName, key: this.o.key, keyName: this.o.keyName, expiry }), expiresAtMs: expiry * 1000 };
    return this.token.value;
  }

  private redact(text: string): string {
    let out = text;
    for (const s of [this.o.key, this.token?.value]) if (s) out = out.split(s).join("[redacted]");
    return out.replace(/SharedAccessSignature [^"'\s,}]+/g, "SharedAccessSignature [redacted]").replace(/sig=[^&"'\s,}]+/g, "sig=[redacted]");
  }

  private fail(op: string, id: string, status: number | undefined, attempts: number, detail: string): DpsError {
    const what = status === undefined ? detail : `HTTP ${status}${detail ? `: ${detail}` : ""}`;
    return new DpsError(this.redact(`DPS ${op} of enrollment group '${id}' failed after ${attempts} attempt(s): ${what}`), op, status, attempts);
  }

  private backoff(retry: number): number {
    const ceiling = Math.min(this.o.maxDelayMs ?? 20_000, (this.o.minDelayMs ?? 500) * 2 ** retry);
    return Math.round(ceiling / 2 + (this.o.random ?? Math.random)() * (ceiling / 2));
  }

  private async send(op: string, id: string, method: "GET" | "PUT" | "DELETE", body?: unknown, ifMatch?: string, accept: number[] = []): Promise<Outcome> {
    const url = `${this.baseUrl}/enrollmentGroups/${encodeURIComponent(id)}?api-version=${DPS_API_VERSION}`;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const maxAttempts = 1 + Math.max(0, Math.floor(this.o.retries ?? 4));
    const timeoutMs = this.o.timeoutMs ?? 30_000;
    const sleep = this.o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    let ambiguous = false;
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = { Authorization: await this.authorization(), Accept: "application/json" };
      if (payload !== undefined) headers["Content-Type"] = "application/json; charset=utf-8";
      if (ifMatch !== undefined) headers["If-Match"] = ifMatch === "*" ? "*" : `"${ifMatch.replace(/^"|"$/g, "")}"`;
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => { timedOut = true; controller.abort(); }, timeoutMs);
      let status: number;
      let text: string;
      let retryAfter: string | null;
      try {
        const res = await fetch(url, { method, headers, body: payload, signal: controller.signal });
        text = await res.text();
        status = res.status;
        retryAfter = res.headers.get("retry-after");
      } catch (err) {
        ambiguous = true;
        const code = (err as { cause?: { code?: unknown } }).cause?.code;
        const detail = timedOut ? `no answer within ${timeoutMs} ms` : `connection failed (${typeof code === "string" ? code : "network error"})`;
        if (attempt >= maxAttempts) throw this.fail(op, id, undefined, attempt, detail);
        await sleep(this.backoff(attempt - 1));
        continue;
      } finally {
        clearTimeout(timer);
      }
      let parsed: unknown = text;
      try {
        parsed = text === "" ? undefined : JSON.parse(text);
      } catch {
        // kept as text for the error message
      }
      if ((status >= 200 && status < 300) || accept.includes(status)) return { status, body: parsed, ambiguous, attempts: attempt };
      const retriable = status === 429 || status >= 500;
      if (!retriable || attempt >= maxAttempts) {
        const detail = parsed === undefined ? "" : (typeof parsed === "string" ? parsed : JSON.stringify(parsed)).slice(0, 300);
        throw this.fail(op, id, status, attempt, detail);
      }
      if (status >= 500) ambiguous = true;
      const hinted = parseRetryAfterMs(retryAfter, (this.o.now ?? Date.now)());
      await sleep(hinted === undefined ? this.backoff(attempt - 1) : Math.min(hinted, this.o.maxRetryAfterMs ?? 60_000));
    }
  }
}
