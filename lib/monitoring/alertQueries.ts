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
 * Defender for IoT alerts: Microsoft documents the filter `ProviderName == "IoTSecurity"`; the
 * product names are the ones Microsoft's Sentinel connector docs list for Defender for IoT
 * ("Azure Security Center for IoT", "Azure Defender for IoT"). "Microsoft Defender for IoT" was
 * dropped: no record with that name is documented.
 */
export const DEFENDER_IOT_PROVIDER = "IoTSecurity";
export const DEFENDER_IOT_PRODUCT_NAMES = ["Azure Security Center for IoT", "Azure Defender for IoT"] as const;
/**
 * Defender for Servers alerts exported by continuous export (securityAgent defender-for-servers).
 * "Azure Security Center" is the ProductName Sentinel's Defender for Cloud connector documents;
 * "Microsoft Defender for Cloud" is unconfirmed and listed so a rename does not silence the rule.
 */
export const DEFENDER_SERVERS_PRODUCT_NAMES = ["Azure Security Center", "Microsoft Defender for Cloud"] as const;

/**
 * sshd messages of a failed or abandoned login on a key-only host, one alternative per kind, as
 * they appear in SyslogMessage (without the "sshd[pid]: " prefix) on Ubuntu 22.04 (OpenSSH 8.9)
 * and 24.04 (OpenSSH 9.6). Formats from OpenSSH's auth.c ("Invalid user", "Failed <method> for",
 * "maximum authentication attempts exceeded"), auth2.c's log preamble ("authenticating user" /
 * "invalid user") and packet.c ("Connection closed by", "Disconnected from", "Connection reset
 * by", "Disconnecting ...: Too many authentication failures"). PAM's "authentication failure"
 * is left out: it carries no port and comes only with a password attempt, which these hosts
 * refuse and which also logs "Failed password ... port N".
 *
 * Each is a regular expression in the subset RE2 (KQL `matches regex`) and JavaScript share;
 * the query adds RE2's `(?i)`, JavaScript the `i` flag.
 */
export const SSH_FAILURE_PATTERNS = [
  "Failed [a-z-]+(/[a-z]+)? for ",
  "Invalid user ",
  "(Connection closed by|Disconnected from|Connection reset by) (authenticating|invalid) user ",
  "maximum authentication attempts exceeded",
  "Too many authentication failures",
] as const;

/** One regular expression matching any failure kind (without the case-insensitivity flag). */
export const SSH_FAILURE_REGEX = SSH_FAILURE_PATTERNS.map((p) => `(${p})`).join("|");

/**
 * The attempt a message belongs to: the client's address and port, the first "<address> port
 * <n>" in the message. Every line of one connection carries the same pair, so counting distinct
 * pairs counts attempts, not lines (an invalid-user attempt logs up to three lines).
 */
export const SSH_SOURCE_REGEX = "([0-9A-Fa-f:.]+) port ([0-9]+)";

/**
 * How long a VM may stay silent before it counts as not reporting. The agent sends a heartbeat a
 * minute, but ingestion takes minutes too, so short windows would raise false alarms.
 */
export const MIN_SILENCE_MINUTES = 15;

/** Lookback of the rules that cannot rely on the evaluation window alone (late data, silence). */
export const LONG_LOOKBACK = "P1D";

const RESOURCE_ID = /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[-\w.()]{1,90}\/providers\/(Microsoft\.Compute\/virtualMachines|Microsoft\.Devices\/IotHubs)\/[a-z0-9][a-z0-9-]{0,62}$/i;
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

/** Columns (and their types in the table schema) a query reads; used for the empty stand-in table. */
export type Columns = Readonly<Record<string, string>>;

export const SECURITY_ALERT_COLUMNS: Columns = {
  TimeGenerated: "datetime", SystemAlertId: "string", ProviderName: "string", ProductName: "string", DisplayName: "string",
  AlertSeverity: "string", ResourceId: "string", CompromisedEntity: "string", ExtendedProperties: "string",
};
export const SYSLOG_COLUMNS: Columns = { TimeGenerated: "datetime", Computer: "string", Facility: "string", ProcessName: "string", SyslogMessage: "string", _ResourceId: "string" };
export const HEARTBEAT_COLUMNS: Columns = { TimeGenerated: "datetime", Category: "string", _ResourceId: "string" };

/**
 * The table, or no rows when the workspace has no such table yet. A workspace gets SecurityAlert,
 * Syslog and Heartbeat only with their first record; a rule over a missing table fails, and Azure
 * Monitor disables a rule that fails for a week without Pulumi noticing. `union isfuzzy=true`
 * with a typed empty datatable yields no rows instead.
 */
export function tableOrEmpty(table: string, columns: Columns): string {
  const schema = Object.entries(columns).map(([name, type]) => `${name}: ${type}`).join(", ");
  return `union isfuzzy=true (datatable(${schema}) []), (${table})`;
}

/**
 * New Defender alerts about this stack's hub and hosts, once per alert: Defender writes a new
 * SecurityAlert record for each update of an alert, so records are grouped by SystemAlertId and an
 * alert is reported only in the window in which its first record was ingested (its updates within
 * the rule's LONG_LOOKBACK never raise it again; an update more than a day later would). Uses
 * ingestion time, not TimeGenerated: Defender can deliver an alert long after the event.
 *
 * `resourceIds` are the hub's and the VMs' ids; an alert counts when its ResourceId is one of them
 * or lies below one (the exact ResourceId Defender for IoT writes for a device is unconfirmed).
 */
export function defenderAlertsQuery(windowMinutes: number, resourceIds: readonly string[]): string {
  wholeNumber("window in minutes", windowMinutes, 1, 1440);
  if (resourceIds.length === 0) throw new RangeError("Defender alert query: at least one resource id (the hub) is needed");
  for (const id of resourceIds) {
    if (!RESOURCE_ID.test(id)) throw new RangeError(`${JSON.stringify(id)} is not an IoT hub or virtual machine resource id`);
  }
  const ids = [...new Set(resourceIds.map((id) => id.toLowerCase()))].sort();
  const products = [...DEFENDER_IOT_PRODUCT_NAMES, ...DEFENDER_SERVERS_PRODUCT_NAMES];
  return [
    `let stackResources = dynamic([${quoted(ids)}]);`,
    tableOrEmpty("SecurityAlert", SECURITY_ALERT_COLUMNS),
    `| where ProviderName == ${JSON.stringify(DEFENDER_IOT_PROVIDER)} or ProductName in~ (${quoted(products)})`,
    "| extend Resource = tolower(ResourceId)",
    `| where Resource in (stackResources) or ${ids.map((id) => `Resource startswith ${JSON.stringify(`${id}/`)}`).join(" or ")}`,
    "| extend Ingested = ingestion_time()",
    "| summarize FirstIngested = min(Ingested), arg_max(Ingested, DisplayName, AlertSeverity, ResourceId, CompromisedEntity, ExtendedProperties) by SystemAlertId",
    `| where FirstIngested > ago(${windowMinutes}m)`,
    "| extend DeviceId = tostring(parse_json(ExtendedProperties).DeviceId)",
    "| project FirstIngested, SystemAlertId, DisplayName, AlertSeverity, CompromisedEntity, DeviceId, ResourceId",
  ].join("\n");
}

/**
 * Failed SSH attempts per host within the rule's window (the alert engine limits the rows to the
 * window): messages of any failure kind, counted once per client address and port. The count is
 * the `Failures` column the rule measures (metricMeasureColumn); the threshold lives in the rule,
 * so the alert carries the real count. `startswith "sshd"` also matches `sshd-session`, the
 * process name of OpenSSH 9.8 and later.
 */
export function sshFailuresQuery(): string {
  return [
    tableOrEmpty("Syslog", SYSLOG_COLUMNS),
    `| where Facility in (${quoted(SSH_FACILITIES)})`,
    "| where ProcessName startswith \"sshd\"",
    `| where SyslogMessage matches regex @"(?i)${SSH_FAILURE_REGEX}"`,
    `| extend Source = extract(@"${SSH_SOURCE_REGEX}", 0, SyslogMessage)`,
    "| where isnotempty(Source)",
    "| summarize by Computer, Source",
    "| summarize Failures = count() by Computer",
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
    `let lastSeen = ${tableOrEmpty("Heartbeat", HEARTBEAT_COLUMNS)}`,
    // Only the Azure Monitor Agent's heartbeats: other agents on the VM must not hide its silence.
    "    | where Category == \"Azure Monitor Agent\"",
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
