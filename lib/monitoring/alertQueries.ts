/**
 * The log queries behind the security alert rules, and the syslog facilities the host's data
 * collection rule collects. Pure: the same arguments give the same text, numbers are checked
 * integers and resource ids are checked against a strict pattern before they reach a query, so no
 * caller-supplied text can change a query's meaning.
 */
import { parseIsoDuration } from "../config/dates";
import { AUDIT_SYSLOG_FACILITY } from "../edge/cloudinit";
import { ALERT_FREQUENCIES } from "../config/types";

/** Facilities sshd and PAM log to on Ubuntu (sshd's default SyslogFacility is AUTH). */
export const SSH_FACILITIES = ["auth", "authpriv"] as const;

/**
 * Every facility the host's data collection rule must collect: sshd/PAM's and the one the
 * cloud-init points auditd's syslog plugin at, taken from there so the two cannot drift.
 */
export const HOST_LOG_FACILITIES = [...SSH_FACILITIES, AUDIT_SYSLOG_FACILITY] as const;

/**
 * ProductName values Defender for IoT has written to SecurityAlert under its successive names.
 * The first two appear in Microsoft's Sentinel connector docs; "Microsoft Defender for IoT" is
 * unconfirmed, so the query also matches on the alert's resource being an IoT hub.
 */
export const DEFENDER_IOT_PRODUCT_NAMES = ["Azure Security Center for IoT", "Azure Defender for IoT", "Microsoft Defender for IoT"] as const;

/** sshd and PAM messages of a failed or abandoned login; each attempt logs one to three of them. */
export const SSH_FAILURE_PATTERNS = [
  "Failed password",
  "Invalid user",
  "authentication failure",
  "Connection closed by authenticating user",
] as const;

/**
 * How long a VM may stay silent before it counts as not reporting. The agent sends a heartbeat a
 * minute, but ingestion takes minutes too, so short windows would raise false alarms.
 */
export const MIN_SILENCE_MINUTES = 15;

/** Lookback of the rules that cannot rely on the evaluation window alone (late data, silence). */
export const LONG_LOOKBACK = "P1D";

const VM_ID = /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[-\w.()]{1,90}\/providers\/Microsoft\.Compute\/virtualMachines\/[a-z0-9][a-z0-9-]{0,62}$/i;

/** Minutes in one of the allowed evaluation frequencies; throws on any other value. */
export function frequencyMinutes(frequency: string): number {
  if (!(ALERT_FREQUENCIES as readonly string[]).includes(frequency)) {
    throw new RangeError(`evaluation frequency ${JSON.stringify(frequency)}: allowed: ${ALERT_FREQUENCIES.join(", ")}`);
  }
  return parseIsoDuration(frequency) / 60;
}

function wholeNumber(what: string, n: number, min: number, max: number): number {
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new RangeError(`${what} ${n}: allowed: a whole number from ${min} to ${max}`);
  return n;
}

function quoted(values: readonly string[]): string {
  return values.map((v) => JSON.stringify(v)).join(", ");
}

/**
 * New Defender for IoT security alerts. Filters on ingestion time rather than TimeGenerated:
 * Defender can deliver an alert long after the event it describes, and an alert that arrives late
 * would otherwise fall before every evaluation window and never notify. The rule must look back
 * further than `windowMinutes` (LONG_LOOKBACK) for this to work.
 */
export function defenderAlertsQuery(windowMinutes: number): string {
  wholeNumber("window in minutes", windowMinutes, 1, 1440);
  return [
    "SecurityAlert",
    `| where ingestion_time() > ago(${windowMinutes}m)`,
    `| where ProductName in~ (${quoted(DEFENDER_IOT_PRODUCT_NAMES)}) or ResourceId contains "/providers/Microsoft.Devices/IotHubs/"`,
    "| extend DeviceId = tostring(parse_json(ExtendedProperties).DeviceId)",
    "| project TimeGenerated, DisplayName, AlertSeverity, DeviceId, ResourceId, SystemAlertId",
  ].join("\n");
}

/**
 * Hosts with at least `threshold` failed-login messages from sshd within the rule's window (the
 * alert engine limits the rows to the window). `startswith` also matches `sshd-session`, the
 * process name of OpenSSH 9.8 and later.
 */
export function sshFailuresQuery(threshold: number): string {
  wholeNumber("SSH failure threshold", threshold, 1, 1000);
  return [
    "Syslog",
    `| where Facility in (${quoted(SSH_FACILITIES)})`,
    "| where ProcessName startswith \"sshd\"",
    `| where ${SSH_FAILURE_PATTERNS.map((p) => `SyslogMessage contains ${JSON.stringify(p)}`).join(" or ")}`,
    "| summarize Failures = count() by Computer",
    `| where Failures >= ${threshold}`,
  ].join("\n");
}

/**
 * Edge VMs with no agent heartbeat for `silentMinutes`, including VMs that never sent one: the
 * expected VMs are listed in the query, because a missing VM leaves no row to alert on. Ids are
 * compared in lower case, as `_ResourceId` may differ in case from ARM's ids.
 */
export function silentDevicesQuery(vmIds: readonly string[], silentMinutes: number): string {
  if (vmIds.length === 0) throw new RangeError("silent-device query: at least one VM id is needed");
  for (const id of vmIds) {
    if (!VM_ID.test(id)) throw new RangeError(`${JSON.stringify(id)} is not a virtual machine resource id`);
  }
  wholeNumber("silence in minutes", silentMinutes, 1, 1440);
  const ids = [...new Set(vmIds.map((id) => id.toLowerCase()))].sort();
  return [
    `let expected = datatable(ResourceId: string) [${quoted(ids)}];`,
    "let lastSeen = Heartbeat",
    "    | summarize LastHeartbeat = max(TimeGenerated) by ResourceId = tolower(_ResourceId);",
    "expected",
    "| join kind=leftouter lastSeen on ResourceId",
    `| where isnull(LastHeartbeat) or LastHeartbeat < ago(${silentMinutes}m)`,
    "| project ResourceId, LastHeartbeat",
  ].join("\n");
}

/** Minutes of silence that raise the silent-device alert for a given evaluation frequency. */
export function silenceMinutes(frequency: string): number {
  return Math.max(frequencyMinutes(frequency), MIN_SILENCE_MINUTES);
}
