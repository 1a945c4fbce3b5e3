/**
 * The security agent modes as data: what each installs, what it costs, where its install is
 * documented, and when Microsoft ends its support. Pure. One table, so the config check, the
 * end-of-support warnings, docs/security-monitoring.md and the tests read the same dates.
 *
 * Sources (read 2026-11-29, see docs/security-monitoring.md for the evidence of each line):
 * - micro agent retirement 2027-06-01: Microsoft's 2026 Defender for IoT pages (older and
 *   localized pages said 2025-08-01); OS table: Debian 9-11, Ubuntu 18.04/20.04, Ubuntu 22.04
 *   amd64 as the standalone agent; the IoT Edge install docs add defender-iot-micro-agent-edge
 *   only on Ubuntu 20.04 and Debian; the package pools' last builds date from Dec 2022 - Jan 2023.
 * - classic module azureiotsecurity: support ended 2022-03-01.
 * - Defender for Servers Plan 1 at VM scope: Microsoft.Security/pricings API 2024-01-01,
 *   resource-level scope allows only subPlan P1; Defender for Endpoint on Linux supports Ubuntu
 *   22.04 and 24.04. About $5 per server and month after a 30-day trial: unconfirmed price.
 */
import type { HostAgentInstall, SecurityAgentMode, VmImage } from "./types";

export interface AgentModeInfo {
  /** What the mode puts on the host or into the edge deployment. */
  installs: string;
  /** What the host provisioning script must install for it (it knows only three values). */
  hostInstall: HostAgentInstall;
  /** Images on which Microsoft documents the mode's install. */
  documentedImages: readonly VmImage[];
  /** Why an image is or is not documented, quoted in the config error. */
  evidence: string;
  /** Last day of support (YYYY-MM-DD), or undefined when no end is announced. */
  endOfSupport?: string;
  /** Whether the mode sends security messages through the IoT Hub (and so counts in its quota). */
  sendsHubMessages: boolean;
  cost: string;
  unconfirmed: string;
}

export const AGENT_MODES: Readonly<Record<SecurityAgentMode, AgentModeInfo>> = {
  "defender-for-servers": {
    installs: "nothing through the provisioning script: Defender for Servers Plan 1 on each edge VM (Microsoft.Security/pricings at the VM scope, Standard, P1), which deploys Defender for Endpoint on Linux (the MDE.Linux extension); continuous export of the resource group's Defender alerts to the workspace",
    hostInstall: "none",
    documentedImages: ["ubuntu-22.04", "ubuntu-24.04"],
    evidence: "Defender for Endpoint on Linux lists Ubuntu 22.04 and 24.04 as supported",
    sendsHubMessages: false,
    cost: "about $5 per server and month after a 30-day trial (unconfirmed)",
    unconfirmed: "the price; whether Plan 1 enabled at the VM scope alone triggers the automatic MDE.Linux deployment",
  },
  "micro-agent": {
    installs: "the host package defender-iot-micro-agent-edge and the DefenderIotMicroAgent module twin",
    hostInstall: "micro-agent",
    documentedImages: [],
    evidence: "Microsoft's IoT Edge install docs add defender-iot-micro-agent-edge only on Ubuntu 20.04 and Debian, its OS table lists no Ubuntu 24.04 and Ubuntu 22.04 only as the amd64 standalone agent, and the package pools' last builds date from December 2022 to January 2023",
    endOfSupport: "2027-06-01",
    sendsHubMessages: true,
    cost: "Defender for IoT per-device price for device builders not found (0 in the plan, unconfirmed); its messages count against the IoT Hub quota",
    unconfirmed: "a package for Ubuntu 22.04 (edge) or 24.04; the message sizes",
  },
  "classic-module": {
    installs: "the retired azureiotsecurity container module (mcr.microsoft.com/ascforiot/azureiotsecurity) and its route",
    hostInstall: "classic-module",
    documentedImages: ["ubuntu-22.04", "ubuntu-24.04"],
    evidence: "a container image; documented only with edgeHub 1.0.8.3 or older",
    endOfSupport: "2022-03-01",
    sendsHubMessages: true,
    cost: "no agent charge known; its messages count against the IoT Hub quota",
    unconfirmed: "whether it still works with edgeHub 1.5/1.6",
  },
  none: {
    installs: "nothing; the hub-level Defender for IoT solution still runs (agentless recommendations)",
    hostInstall: "none",
    documentedImages: ["ubuntu-22.04", "ubuntu-24.04"],
    evidence: "nothing to install",
    sendsHubMessages: false,
    cost: "none",
    unconfirmed: "nothing",
  },
};

/** Warn this many days (a year) before a mode's end of support. */
export const END_OF_SUPPORT_WARNING_DAYS = 365;

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * The support status of `mode` on `today` (YYYY-MM-DD, injected so tests are deterministic):
 * a warning when support has ended or ends within END_OF_SUPPORT_WARNING_DAYS, else undefined.
 * Never feeds a declared input: only warnings depend on the date.
 */
export function endOfSupportWarning(mode: SecurityAgentMode, today: string): string | undefined {
  const end = AGENT_MODES[mode].endOfSupport;
  if (end === undefined) return undefined;
  const days = daysBetween(today, end);
  if (days <= 0) return `Microsoft ended support for securityAgent ${mode} on ${end}; prefer defender-for-servers`;
  if (days <= END_OF_SUPPORT_WARNING_DAYS) return `Microsoft ends support for securityAgent ${mode} on ${end}, within a year (${days} days from ${today}); plan the switch to defender-for-servers`;
  return undefined;
}

/** Undefined when the mode's install is documented for the image, else why not. */
export function undocumentedInstall(mode: SecurityAgentMode, image: VmImage): string | undefined {
  const info = AGENT_MODES[mode];
  return info.documentedImages.includes(image) ? undefined : info.evidence;
}

/** Today's date in UTC as YYYY-MM-DD: for warnings only, never for declared inputs. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}
