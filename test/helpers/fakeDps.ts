/**
 * A local stand-in for the DPS service API (enrollment groups only): listens on 127.0.0.1, checks
 * every SAS token with its own HMAC code (node:crypto, not the client's WebCrypto), keeps groups in
 * memory, records requests, and injects faults (status, reset, delay) on demand. It closes itself
 * after `lifetimeMs`.
 */
import { createHmac, randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type DpsFault =
  | { readonly kind: "status"; readonly status: number; readonly headers?: Record<string, string>; readonly applyFirst?: boolean }
  | { readonly kind: "reset"; readonly applyFirst?: boolean }
  | { readonly kind: "delay"; readonly ms: number };

export interface DpsRequest {
  readonly method: string;
  readonly path: string;
  readonly apiVersion: string | null;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
}

export class FakeDps {
  readonly requests: DpsRequest[] = [];
  readonly groups = new Map<string, Record<string, unknown>>();
  private readonly faults: { method?: string; fault: DpsFault }[] = [];
  private server: Server | undefined;
  private timer: NodeJS.Timeout | undefined;
  baseUrl = "";

  constructor(readonly opts: { hostName: string; keyName: string; key: string; lifetimeMs?: number }) {}

  /** Queues a fault for the next request (of `method`, if given). */
  fail(fault: DpsFault, method?: string): void {
    this.faults.push({ method, fault });
  }

  private validToken(auth: string | undefined): boolean {
    const m = /^SharedAccessSignature sr=([^&]+)&sig=([^&]+)&se=(\d+)&skn=([^&]+)$/.exec(auth ?? "");
    if (!m) return false;
    const [, sr, sig, se, skn] = m;
    if (decodeURIComponent(sr) !== this.opts.hostName || decodeURIComponent(skn) !== this.opts.keyName) return false;
    if (Number(se) * 1000 < Date.now()) return false;
    const expected = createHmac("sha256", Buffer.from(this.opts.key, "base64")).update(`${sr}\n${se}`).digest("base64");
    return decodeURIComponent(sig) === expected;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let raw = "";
      req.on("data", (c: Buffer) => (raw += c.toString("utf8")));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        this.requests.push({ method: req.method ?? "", path: url.pathname, apiVersion: url.searchParams.get("api-version"), headers: req.headers, rawBody: raw });
        const i = this.faults.findIndex((f) => f.method === undefined || f.method === req.method);
        const fault = i >= 0 ? this.faults.splice(i, 1)[0].fault : undefined;
        const serve = () => this.serve(req.method ?? "", url.pathname, req.headers, raw);
        if (fault?.kind === "delay") {
          const reply = serve();
          setTimeout(() => { if (!res.destroyed) res.writeHead(reply.status, { "content-type": "application/json" }).end(reply.body); }, fault.ms);
          return;
        }
        if (fault?.kind === "reset") {
          if (fault.applyFirst) serve();
          req.socket.destroy();
          return;
        }
        if (fault?.kind === "status") {
          if (fault.applyFirst) serve();
          res.writeHead(fault.status, { "content-type": "application/json", ...fault.headers }).end(JSON.stringify({ errorCode: fault.status, message: "injected" }));
          return;
        }
        const reply = serve();
        res.writeHead(reply.status, { "content-type": "application/json" }).end(reply.body);
      });
    });
    await new Promise<void>((r) => this.server?.listen(0, "127.0.0.1", r));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.timer = setTimeout(() => void this.close(), this.opts.lifetimeMs ?? 20_000);
    this.timer.unref();
    return this;
  }

  private serve(method: string, path: string, headers: IncomingHttpHeaders, raw: string): { status: number; body: string } {
    if (!this.validToken(headers.authorization)) return { status: 401, body: JSON.stringify({ message: "bad token" }) };
    const m = /^\/enrollmentGroups\/([^/]+)$/.exec(path);
    if (!m) return { status: 404, body: "" };
    const id = decodeURIComponent(m[1]);
    const existing = this.groups.get(id);
    if (method === "GET") return existing ? { status: 200, body: JSON.stringify(existing) } : { status: 404, body: JSON.stringify({ errorCode: 404201 }) };
    if (method === "DELETE") {
      if (!existing) return { status: 404, body: JSON.stringify({ errorCode: 404201 }) };
      this.groups.delete(id);
      return { status: 204, body: "" };
    }
    if (method === "PUT") {
      const ifMatch = headers["if-match"];
      if (existing && ifMatch === undefined) return { status: 409, body: JSON.stringify({ errorCode: 409201, message: "exists" }) };
      if (!existing && ifMatch !== undefined && ifMatch !== "*") return { status: 412, body: "" };
      const body = JSON.parse(raw) as Record<string, unknown>;
      const stored = { ...body, etag: randomUUID() };
      this.groups.set(id, stored);
      return { status: 200, body: JSON.stringify(stored) };
    }
    return { status: 405, body: "" };
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); });
  }
}
