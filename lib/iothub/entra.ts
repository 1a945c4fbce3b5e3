/**
 * Microsoft Entra tokens for the IoT Hub service API (`dataPlaneAuth: entra`), obtained by the
 * dynamic provider itself at run time, so `pulumi destroy` and `pulumi refresh` (which do not run
 * the program) authenticate too, and no hub key is ever stored in the stack.
 *
 * Sources, in order:
 * 1. client credentials from the environment (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`,
 *    `AZURE_CLIENT_SECRET`), e.g. a CI service principal: POST to the tenant's v2 token endpoint;
 * 2. the Azure CLI's signed-in account: `az account get-access-token --resource https://iothubs.azure.net`.
 *
 * The identity needs a data-plane role on the hub: "IoT Hub Data Contributor" at the hub's scope
 * covers devices, twins and configurations (Microsoft Learn, "Control access to IoT Hub by using
 * Microsoft Entra ID"; whether a narrower built-in role suffices for configurations is
 * unconfirmed). Nothing is fetched at import; modules are required inside the functions so the
 * code serializes into a dynamic provider.
 */

/** The scope the token is requested for (v2 endpoint) and the resource (CLI, v1 form). */
export const IOT_HUB_SCOPE = "https://iothubs.azure.net/.default";
export const IOT_HUB_RESOURCE = "https://iothubs.azure.net";

export interface AccessToken {
  readonly token: string;
  /** Expiry, in ms since the epoch. */
  readonly expiresOnMs: number;
}

/** Anything that yields a bearer token for IoT Hub; tests inject their own. */
export type TokenSource = () => Promise<AccessToken>;

interface Env {
  readonly AZURE_TENANT_ID?: string;
  readonly AZURE_CLIENT_ID?: string;
  readonly AZURE_CLIENT_SECRET?: string;
  readonly AZURE_AUTHORITY_HOST?: string;
}

/** Client-credentials grant against `<authority>/<tenant>/oauth2/v2.0/token`. */
export async function clientCredentialsToken(env: Env, now: () => number = Date.now): Promise<AccessToken> {
  const authority = (env.AZURE_AUTHORITY_HOST ?? "https://login.microsoftonline.com").replace(/\/+$/, "");
  const res = await fetch(`${authority}/${encodeURIComponent(env.AZURE_TENANT_ID ?? "")}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: env.AZURE_CLIENT_ID ?? "",
      client_secret: env.AZURE_CLIENT_SECRET ?? "",
      scope: IOT_HUB_SCOPE,
    }).toString(),
  });
  const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string };
  if (!res.ok || !body.access_token) {
    throw new Error(`Microsoft Entra token for IoT Hub (client ${env.AZURE_CLIENT_ID}) failed: HTTP ${res.status}${body.error ? ` ${body.error}` : ""}`);
  }
  return { token: body.access_token, expiresOnMs: now() + Number(body.expires_in ?? 3600) * 1000 };
}

/** `az account get-access-token --resource https://iothubs.azure.net`, parsed. */
export async function azureCliToken(): Promise<AccessToken> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- required at call time, so the serialized provider carries no module
  const { execFile } = require("node:child_process") as typeof import("node:child_process");
  const out = await new Promise<string>((resolve, reject) =>
    execFile("az", ["account", "get-access-token", "--resource", IOT_HUB_RESOURCE, "--output", "json"], { timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`Microsoft Entra token for IoT Hub via the Azure CLI failed (run 'az login', or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET): ${String(stderr || err.message).trim()}`)) : resolve(stdout),
    ),
  );
  return parseCliToken(out);
}

/** Parses the CLI's JSON: `accessToken` and `expires_on` (epoch s) or `expiresOn` (local date text). */
export function parseCliToken(json: string): AccessToken {
  const t = JSON.parse(json) as { accessToken?: string; expires_on?: number | string; expiresOn?: string };
  if (!t.accessToken) throw new Error("the Azure CLI returned no accessToken");
  const expiresOnMs = t.expires_on !== undefined ? Number(t.expires_on) * 1000 : Date.parse(t.expiresOn ?? "");
  if (!Number.isFinite(expiresOnMs)) throw new Error("the Azure CLI returned no usable token expiry");
  return { token: t.accessToken, expiresOnMs };
}

/** The default source: client credentials when the environment names them, else the Azure CLI. */
export function defaultTokenSource(env: Env = process.env): TokenSource {
  return () => (env.AZURE_TENANT_ID && env.AZURE_CLIENT_ID && env.AZURE_CLIENT_SECRET ? clientCredentialsToken(env) : azureCliToken());
}
