/**
 * SAS tokens for the DPS service API. Same construction as IoT Hub's (lib/iothub/sas.ts; kept
 * separate so this folder stands alone until the two are unified): the resource is the DPS
 * service host, e.g. `<dps>.azure-devices-provisioning.net`, and the policy one with
 * EnrollmentWrite (`provisioningserviceowner` by default).
 */

export interface DpsSasRequest {
  /** `<dps-name>.azure-devices-provisioning.net`. */
  readonly resourceUri: string;
  /** The policy key, base64. */
  readonly key: string;
  /** e.g. `provisioningserviceowner`. */
  readonly keyName: string;
  /** Seconds since the Unix epoch. */
  readonly expiry: number;
}

/** `SharedAccessSignature sr=…&sig=…&se=…&skn=…`, sig = base64(HMAC-SHA256(key, urlencode(sr) + "\n" + se)). */
export async function createDpsSasToken(req: DpsSasRequest): Promise<string> {
  if (!Number.isInteger(req.expiry) || req.expiry <= 0) throw new Error("SAS token expiry must be a positive whole number of seconds since the epoch");
  const keyBytes = Buffer.from(req.key, "base64");
  if (keyBytes.length === 0) throw new Error(`the key of DPS policy '${req.keyName}' is empty or not base64`);
  const sr = encodeURIComponent(req.resourceUri);
  // WebCrypto (a global): a serialized dynamic provider needs no module for it.
  const hmacKey = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", hmacKey, Buffer.from(`${sr}\n${req.expiry}`, "utf8"));
  const sig = encodeURIComponent(Buffer.from(mac).toString("base64"));
  return `SharedAccessSignature sr=${sr}&sig=${sig}&se=${req.expiry}&skn=${encodeURIComponent(req.keyName)}`;
}
