/**
 * Shared access signature (SAS) tokens for the IoT Hub service API, signed with a shared access
 * policy key such as `iothubowner`. Uses WebCrypto (Node's global `crypto`) so that a dynamic
 * provider serialized with this code needs no module of its own.
 */

export interface SasTokenRequest {
  /** The hub host name, e.g. `myhub.azure-devices.net`: the resource the token grants. */
  readonly resourceUri: string;
  /** The policy's key as the portal and `listKeys` show it: base64. */
  readonly key: string;
  /** The shared access policy name, e.g. `iothubowner`. */
  readonly keyName: string;
  /** Expiry in seconds since the Unix epoch. */
  readonly expiry: number;
}

/**
 * Builds `SharedAccessSignature sr=…&sig=…&se=…&skn=…` as documented for IoT Hub:
 * sig = base64(HMAC-SHA256(base64-decoded key, urlencode(resourceUri) + "\n" + expiry)).
 */
export async function createSasToken(req: SasTokenRequest): Promise<string> {
  if (!Number.isInteger(req.expiry) || req.expiry <= 0) {
    throw new Error("SAS token expiry must be a positive whole number of seconds since the epoch");
  }
  const keyBytes = Buffer.from(req.key, "base64");
  if (keyBytes.length === 0) throw new Error(`the key of policy '${req.keyName}' is empty or not base64`);
  const sr = encodeURIComponent(req.resourceUri);
  const hmacKey = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", hmacKey, Buffer.from(`${sr}\n${req.expiry}`, "utf8"));
  const sig = encodeURIComponent(Buffer.from(mac).toString("base64"));
  return `SharedAccessSignature sr=${sr}&sig=${sig}&se=${req.expiry}&skn=${encodeURIComponent(req.keyName)}`;
}

/** The `sig` value of a token (still URL-encoded), so callers can scrub it from error text. */
export function sasSignature(token: string): string | undefined {
  return /[?&\s]sig=([^&]+)/.exec(` ${token}`)?.[1];
}
