/**
 * What a stack writes into its Log Analytics workspace a day, by source, so the cost estimate
 * counts more than the security agent's messages. Pure.
 *
 * Only the agent's volume follows from configuration (./budget). The other sources depend on
 * what happens on the hosts and the hub, so each uses a stated, dated assumption: a quiet
 * trial fleet, not an attack. A host under SSH brute force logs far more; that is what the
 * daily cap is for, and why the estimate also shows the worst case at the cap.
 */

/** The day the per-source assumptions below were written down. */
export const INGESTION_ASSUMPTIONS_AS_OF = "2026-11-29";

/**
 * Billed size of one Log Analytics record, all columns included. Log Analytics bills the
 * record's columns, not the raw line; Syslog and AzureDiagnostics rows with their standard
 * columns come to several hundred bytes. 1 KB is a round, cautious figure (unconfirmed).
 */
export const BYTES_PER_RECORD = 1000;

/**
 * Records a quiet edge host sends a day through the data collection rule (auth, authpriv and
 * the local6 audit facility at Info and above): sshd and sudo lines, PAM sessions, cron, and
 * the audit rules on identity files. An estimate (unconfirmed), not a measurement.
 */
export const HOST_SYSLOG_RECORDS_PER_VM_DAY = 5000;

/** The Azure Monitor Agent writes one Heartbeat record a minute per VM (documented cadence). */
export const HEARTBEAT_RECORDS_PER_VM_DAY = 1440;

/**
 * The hub's diagnostic setting sends allLogs and AllMetrics. Metrics arrive as AzureMetrics
 * rows, one per metric a minute for the metrics that have data; about 20 such metrics on a
 * small hub is an estimate (unconfirmed).
 */
export const HUB_METRIC_ROWS_PER_DAY = 20 * 1440;

/**
 * allLogs (connections, twin and identity operations, configuration and routing errors) per
 * device a day for a fleet that connects and stays connected; an estimate (unconfirmed).
 */
export const HUB_LOG_RECORDS_PER_DEVICE_DAY = 200;

const BYTES_PER_GB = 1e9;

export interface IngestionInput {
  /** Edge VMs whose syslog and heartbeat the data collection rule collects. */
  vms: number;
  /** Device identities in the hub. */
  devices: number;
  /** Bytes a day the security agents of all devices send (./budget's `ingestion.bytesPerDay`). */
  agentBytesPerDay: number;
  /**
   * The Defender for IoT solution exports raw security events to the workspace
   * (`export: ["RawEvents"]`): every agent message is stored again as raw events, assumed the
   * same size as the message (unconfirmed).
   */
  rawEventsExported: boolean;
}

export interface IngestionSource {
  source: string;
  gbPerDay: number;
  basis: string;
}

export interface IngestionEstimate {
  sources: IngestionSource[];
  gbPerDay: number;
}

export function workspaceIngestion(input: IngestionInput): IngestionEstimate {
  for (const [name, n] of Object.entries({ vms: input.vms, devices: input.devices, agentBytesPerDay: input.agentBytesPerDay })) {
    if (!Number.isFinite(n) || n < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${n}`);
  }
  const gb = (bytes: number) => bytes / BYTES_PER_GB;
  const kb = (BYTES_PER_RECORD / 1000).toString();
  const sources: IngestionSource[] = [
    {
      source: "security agent messages",
      gbPerDay: gb(input.agentBytesPerDay),
      basis: "the message budget: every agent message of every device, at its assumed size",
    },
    {
      source: "Defender raw events",
      gbPerDay: input.rawEventsExported ? gb(input.agentBytesPerDay) : 0,
      basis: input.rawEventsExported ? "the solution exports RawEvents: the agent's messages again, same size (unconfirmed)" : "no raw event export",
    },
    {
      source: "host syslog and audit records",
      gbPerDay: gb(input.vms * HOST_SYSLOG_RECORDS_PER_VM_DAY * BYTES_PER_RECORD),
      basis: `${input.vms} VM(s) × ${HOST_SYSLOG_RECORDS_PER_VM_DAY.toLocaleString("en-US")} records a day × ${kb} KB (quiet host; estimate, unconfirmed)`,
    },
    {
      source: "agent heartbeats",
      gbPerDay: gb(input.vms * HEARTBEAT_RECORDS_PER_VM_DAY * BYTES_PER_RECORD),
      basis: `${input.vms} VM(s) × one record a minute × ${kb} KB`,
    },
    {
      source: "hub diagnostics",
      gbPerDay: gb((HUB_METRIC_ROWS_PER_DAY + input.devices * HUB_LOG_RECORDS_PER_DEVICE_DAY) * BYTES_PER_RECORD),
      basis: `AllMetrics: ${HUB_METRIC_ROWS_PER_DAY.toLocaleString("en-US")} rows a day; allLogs: ${input.devices} device(s) × ${HUB_LOG_RECORDS_PER_DEVICE_DAY} records a day; ${kb} KB each (estimate, unconfirmed)`,
    },
  ];
  return { sources, gbPerDay: sources.reduce((sum, s) => sum + s.gbPerDay, 0) };
}
