/**
 * Symmetric-key attestation for a DPS enrollment group: each device's key is derived from the
 * group key as Microsoft documents ("Derive a device key"): base64(HMAC-SHA256(key =
 * base64-decoded group key, message = the registration id as UTF-8)). Pure; used by the
 * component for the simulated devices and by the bundle tool for physical ones.
 */
import { createHmac } from "node:crypto";

/**
 * DPS registration ids: lower-case alphanumerics and `-._:`, at most 128 characters, ending in an
 * alphanumeric or `-` (the service API's documented id pattern, azure-rest-api-specs
 * deviceprovisioningservices/data-plane/Microsoft.Devices/stable/2021-10-01/service.json).
 */
export const REGISTRATION_ID = /^[a-z0-9-._:]{0,127}[a-z0-9-]$/;

export function registrationIdProblem(id: string): string | undefined {
  return REGISTRATION_ID.test(id) ? undefined : `registration id ${JSON.stringify(id)}: allowed: 1-128 lower-case letters, digits and - . _ :, ending in a letter, digit or -`;
}

/** The device key DPS expects for `registrationId` under an enrollment group whose key is `groupKey` (base64). */
export function deriveDeviceKey(groupKey: string, registrationId: string): string {
  const problem = registrationIdProblem(registrationId);
  if (problem) throw new Error(problem);
  const key = Buffer.from(groupKey, "base64");
  if (key.length === 0 || key.toString("base64").replace(/=+$/, "") !== groupKey.trim().replace(/=+$/, "")) {
    throw new Error("the enrollment group key is empty or not base64");
  }
  return createHmac("sha256", key).update(registrationId, "utf8").digest("base64");
}
