/**
 * Device certificate rollover without lockout. Pure.
 *
 * The stack renews a device certificate `earlyRenewalHours` before it expires (tls.SelfSignedCert
 * replaces it on the next `pulumi up` once it is inside that window). The order of one rollover:
 *
 * 1. `up` N: the new certificate exists; the device identity is updated to trust the new
 *    thumbprint (primary) *and* the one the host last ran (secondary), then the host's Run Command
 *    delivers the new certificate and key (it depends on the identity). The stack records, per
 *    device, the thumbprint the host now runs: only once the Run Command has succeeded.
 * 2. `up` N+1: the recorded thumbprint equals the new one, so the old one is dropped.
 *
 * If the Run Command fails, the record still names the old certificate and the identity keeps
 * trusting both until a later `up` delivers the new one.
 */
import type { EdgeDeviceAuth } from "../iothub/providers";

/** 30 days. */
export const DEFAULT_EARLY_RENEWAL_HOURS = 720;

export interface RolloverState {
  /** SHA-256 thumbprint of the certificate this run declares. */
  current: string;
  /**
   * The thumbprint the host ran when the last successful `up` ended (the stack's recorded
   * output), or undefined for a device without a host or on a stack's first `up`.
   */
  hostRuns?: string;
}

/**
 * What the device identity trusts: the current certificate first; the host's certificate as
 * secondary while the host still runs another one.
 */
export function rolloverThumbprints(state: RolloverState): Extract<EdgeDeviceAuth, { type: "selfSigned" }> {
  const current = state.current.toUpperCase();
  const host = state.hostRuns?.toUpperCase();
  if (host === undefined || host === "" || host === current) return { type: "selfSigned", primaryThumbprint: current };
  return { type: "selfSigned", primaryThumbprint: current, secondaryThumbprint: host };
}

/**
 * A warning when a certificate expires within the renewal window (or already has), else
 * undefined. `now` is passed in so the result is testable; it only feeds a log line, never an input.
 */
export function expiryWarning(deviceId: string, validityEndTime: string, earlyRenewalHours: number, now: Date): string | undefined {
  const end = Date.parse(validityEndTime);
  if (Number.isNaN(end)) return `device ${deviceId}: certificate expiry ${JSON.stringify(validityEndTime)} cannot be read`;
  const hoursLeft = (end - now.getTime()) / 3_600_000;
  if (hoursLeft <= 0) return `device ${deviceId}: its certificate expired at ${validityEndTime}; the next \`pulumi up\` renews it and the host gets the new one through its Run Command`;
  if (hoursLeft <= earlyRenewalHours) {
    return `device ${deviceId}: its certificate expires at ${validityEndTime} (within earlyRenewalHours = ${earlyRenewalHours}); \`pulumi up\` renews it, trusting old and new until the host runs the new one`;
  }
  return undefined;
}
