/** X.509 helpers for device identities. Pure (Node's crypto only). */
import { X509Certificate } from "node:crypto";

/**
 * The SHA-256 thumbprint IoT Hub expects for a self-signed device certificate: the hash of the
 * DER encoding, upper-case hex without separators.
 */
export function sha256Thumbprint(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256.replace(/:/g, "").toUpperCase();
}
