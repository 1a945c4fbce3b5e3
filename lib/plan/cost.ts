/**
 * Monthly and daily cost of a stack's sizing, from the price table in ./prices. Pure.
 *
 * A month is 730 hours (Azure's convention) and a day is a 730/24 share of it, so
 * dailyUsd = monthlyUsd × 24 / 730 for every line: a VM that only runs on weekdays shows its
 * average day, not a weekday.
 */
import {
  BASTION_EXTRA_SCALE_UNIT_HOURLY,
  BASTION_HOURLY,
  BASTION_INCLUDED_SCALE_UNITS,
  type BastionSku,
  DEFENDER_FOR_IOT_DEVICE_MONTHLY,
  DEFENDER_FOR_SERVERS_P1_MONTHLY,
  DPS_OPERATIONS_PER_DEVICE_MONTH,
  DPS_PER_1K_OPERATIONS,
  HOURS_PER_MONTH,
  type HubSku,
  IOT_HUB_UNIT_MONTHLY,
  LOG_ANALYTICS_FREE_GB_PER_MONTH,
  LOG_ANALYTICS_INCLUDED_RETENTION_DAYS,
  LOG_ANALYTICS_INGESTION_PER_GB,
  LOG_ANALYTICS_RETENTION_PER_GB_MONTH,
  OS_DISK_MONTHLY,
  type Price,
  PRICE_CURRENCY,
  PRICE_REGION,
  PRICES_AS_OF,
  PUBLIC_IP_STANDARD_STATIC_HOURLY,
  VM_HOURLY,
} from "./prices";

export const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;
/** Someone starts auto-shut-down VMs on weekdays only. */
export const WORKDAYS_PER_WEEK = 5;
export const DEFAULT_WORKDAY_START_HOUR = 8;

export interface CostInput {
  /** The stack's region; the price table is one region's (PRICE_REGION). */
  region: string;
  hub: { sku: HubSku; units: number };
  workspace: {
    retentionDays: number;
    /** The workspace's daily cap; ingestion above it is dropped, so it is not billed. */
    dailyCapGb?: number;
    /** Expected ingestion, e.g. `ingestion.gbPerDay` from ./budget's `messageBudget`. */
    ingestionGbPerDay: number;
  };
  bastion: { sku: BastionSku; scaleUnits: number };
  vms: {
    count: number;
    size: string;
    /**
     * Daily auto-shutdown (deallocation) at `time` ("HHMM", as the DevTest schedule takes it).
     * Assumed schedule: someone starts the VMs at `workdayStartHour` (default 8) on weekdays
     * only and they run until the shutdown time; they stay deallocated on weekends. The OS
     * disk is charged all month either way.
     */
    autoShutdown?: { time: string; workdayStartHour?: number };
  };
  defenderDevices: number;
  /** VMs with Defender for Servers Plan 1 (securityAgent defender-for-servers); no line when 0 or absent. */
  defenderServers?: number;
  /** fleetProvisioning dps: the fleet's devices register through DPS. Absent in registry mode. */
  dps?: { devices: number };
}

export interface CostLine {
  component: string;
  item: string;
  monthlyUsd: number;
  dailyUsd: number;
  /** False when any price behind this line is unconfirmed (see ./prices). */
  confirmed: boolean;
  note?: string;
}

export interface CostEstimate {
  lines: CostLine[];
  monthlyUsd: number;
  dailyUsd: number;
  assumptions: string[];
  /** The region the prices are for, and whether it is the stack's. */
  priceRegion: string;
  priceRegionMatches: boolean;
  /**
   * The most the stack can cost a month when ingestion reaches the workspace's daily cap every
   * day; undefined when the workspace is uncapped (nothing bounds ingestion).
   */
  worstCase?: { dailyCapGb: number; monthlyUsd: number };
}

/**
 * Throws a RangeError for an unknown VM size (naming the sizes the table knows) and for
 * counts or settings Azure would not accept, rather than estimating something that cannot be
 * deployed.
 */
export function estimateCost(input: CostInput): CostEstimate {
  const assumptions = [
    `List prices for ${PRICE_REGION} in ${PRICE_CURRENCY}, pay-as-you-go, Linux, read ${PRICES_AS_OF}; taxes, discounts, data transfer and disk transactions are not included.`,
    `A month is ${HOURS_PER_MONTH} hours and a day is 1/${DAYS_PER_MONTH.toFixed(4)} of a month.`,
  ];
  const priceRegionMatches = input.region === PRICE_REGION;
  if (!priceRegionMatches) {
    assumptions.push(`The prices are ${PRICE_REGION}'s; this stack runs in ${input.region}, whose list prices may differ (no ${input.region} price table is kept).`);
  }
  const workspace = workspaceLines(input.workspace, assumptions);
  const lines = [
    ...hubLines(input.hub),
    ...workspace,
    ...bastionLines(input.bastion, assumptions),
    ...vmLines(input.vms, assumptions),
    defenderLine(input.defenderDevices),
    ...defenderServersLines(input.defenderServers ?? 0),
    ...(input.dps ? [dpsLine(input.dps.devices, assumptions)] : []),
  ];
  if (lines.some((l) => !l.confirmed)) {
    assumptions.push("Lines marked unconfirmed use a price that no stored source confirmed for this region; check them before relying on the total.");
  }
  const monthlyUsd = lines.reduce((sum, l) => sum + l.monthlyUsd, 0);
  const estimate: CostEstimate = { lines, monthlyUsd, dailyUsd: toDaily(monthlyUsd), assumptions, priceRegion: PRICE_REGION, priceRegionMatches };
  const cap = input.workspace.dailyCapGb;
  if (cap === undefined) {
    assumptions.push("The workspace is uncapped: nothing bounds its ingestion, so a host under attack or a chatty agent is billed in full.");
  } else {
    const atCap = workspaceLines({ ...input.workspace, ingestionGbPerDay: Math.max(cap, input.workspace.ingestionGbPerDay) }, []);
    const sum = (ls: CostLine[]) => ls.reduce((t, l) => t + l.monthlyUsd, 0);
    estimate.worstCase = { dailyCapGb: cap, monthlyUsd: monthlyUsd - sum(workspace) + sum(atCap) };
  }
  return estimate;
}

function hubLines(hub: CostInput["hub"]): CostLine[] {
  requireWholeNumber("hub.units", hub.units, 1);
  if (hub.sku === "F1" && hub.units !== 1) throw new RangeError(`hub.units: the F1 (free) tier has exactly 1 unit, got ${hub.units}`);
  const price = IOT_HUB_UNIT_MONTHLY[hub.sku];
  return [line("IoT Hub", `${hub.sku} × ${hub.units} unit(s)`, hub.units * price.usd, [price])];
}

function workspaceLines(ws: CostInput["workspace"], assumptions: string[]): CostLine[] {
  requireNonNegative("workspace.ingestionGbPerDay", ws.ingestionGbPerDay);
  requireWholeNumber("workspace.retentionDays", ws.retentionDays, 0);
  if (ws.dailyCapGb !== undefined) requireNonNegative("workspace.dailyCapGb", ws.dailyCapGb);
  const dailyGb = ws.dailyCapGb === undefined ? ws.ingestionGbPerDay : Math.min(ws.ingestionGbPerDay, ws.dailyCapGb);
  const monthlyGb = dailyGb * DAYS_PER_MONTH;
  const billableGb = Math.max(0, monthlyGb - LOG_ANALYTICS_FREE_GB_PER_MONTH);
  const extraDays = Math.max(0, ws.retentionDays - LOG_ANALYTICS_INCLUDED_RETENTION_DAYS);
  const retainedGb = dailyGb * extraDays;
  assumptions.push(
    `Log Analytics (Analytics logs): the whole free ${LOG_ANALYTICS_FREE_GB_PER_MONTH} GB a month goes to this workspace (it is per billing account, so other workspaces may use it up).`,
    `Log Analytics retention: the first ${LOG_ANALYTICS_INCLUDED_RETENTION_DAYS} days are included; beyond that, steady state once the workspace is ${ws.retentionDays} days old (daily GB × days beyond ${LOG_ANALYTICS_INCLUDED_RETENTION_DAYS}, billed per GB-month).`,
  );
  return [
    line(
      "Log Analytics",
      `ingestion ${round(dailyGb, 3)} GB/day${dailyGb < ws.ingestionGbPerDay ? " (capped)" : ""}, ${round(billableGb, 2)} GB/month billable`,
      billableGb * LOG_ANALYTICS_INGESTION_PER_GB.usd,
      [LOG_ANALYTICS_INGESTION_PER_GB],
    ),
    line(
      "Log Analytics",
      `retention ${ws.retentionDays} days (${extraDays} beyond included), ${round(retainedGb, 2)} GB held`,
      retainedGb * LOG_ANALYTICS_RETENTION_PER_GB_MONTH.usd,
      [LOG_ANALYTICS_RETENTION_PER_GB_MONTH],
    ),
  ];
}

function bastionLines(b: CostInput["bastion"], assumptions: string[]): CostLine[] {
  const lines = [line("Bastion", `${b.sku} host`, BASTION_HOURLY[b.sku].usd * HOURS_PER_MONTH, [BASTION_HOURLY[b.sku]])];
  if (b.sku === "Standard" || b.sku === "Premium") {
    requireWholeNumber("bastion.scaleUnits", b.scaleUnits, BASTION_INCLUDED_SCALE_UNITS, 50);
    const extra = b.scaleUnits - BASTION_INCLUDED_SCALE_UNITS;
    const price = BASTION_EXTRA_SCALE_UNIT_HOURLY[b.sku];
    lines.push(line("Bastion", `${extra} scale unit(s) above the ${BASTION_INCLUDED_SCALE_UNITS} included`, extra * price.usd * HOURS_PER_MONTH, [price]));
  } else {
    assumptions.push(`Bastion ${b.sku} cannot be scaled, so scaleUnits (${b.scaleUnits}) is not priced.`);
  }
  if (b.sku === "Developer") {
    assumptions.push("Bastion Developer uses a shared pool: no public IP is charged.");
  } else {
    lines.push(line("Public IP", "Standard static IPv4 for Bastion", PUBLIC_IP_STANDARD_STATIC_HOURLY.usd * HOURS_PER_MONTH, [PUBLIC_IP_STANDARD_STATIC_HOURLY]));
  }
  return lines;
}

function vmLines(vms: CostInput["vms"], assumptions: string[]): CostLine[] {
  requireWholeNumber("vms.count", vms.count, 0);
  const price = vmPrice(vms.size);
  const hours = vms.autoShutdown ? runningHoursPerMonth(vms.autoShutdown) : HOURS_PER_MONTH;
  if (vms.autoShutdown) {
    const start = vms.autoShutdown.workdayStartHour ?? DEFAULT_WORKDAY_START_HOUR;
    assumptions.push(
      `VMs with auto-shutdown at ${vms.autoShutdown.time} are started at ${start}:00 on ${WORKDAYS_PER_WEEK} of 7 days and stay deallocated otherwise: ${round(hours, 1)} running hours a month instead of ${HOURS_PER_MONTH}.`,
    );
  }
  return [
    line("VM", `${vms.count} × ${vms.size}, ${round(hours, 1)} h/month`, vms.count * price.usd * hours, [price]),
    line("VM", `${vms.count} × OS disk (Standard SSD LRS 30 GiB, billed as E4)`, vms.count * OS_DISK_MONTHLY.usd, [OS_DISK_MONTHLY]),
  ];
}

function defenderLine(devices: number): CostLine {
  requireWholeNumber("defenderDevices", devices, 0);
  const p = DEFENDER_FOR_IOT_DEVICE_MONTHLY;
  return line("Defender for IoT", `${devices} device(s)`, devices * p.usd, [p]);
}

function defenderServersLines(servers: number): CostLine[] {
  requireWholeNumber("defenderServers", servers, 0);
  if (servers === 0) return [];
  const p = DEFENDER_FOR_SERVERS_P1_MONTHLY;
  return [line("Defender for Servers", `Plan 1 × ${servers} VM(s)`, servers * p.usd, [p])];
}

function dpsLine(devices: number, assumptions: string[]): CostLine {
  requireWholeNumber("dps.devices", devices, 0);
  const operations = devices * DPS_OPERATIONS_PER_DEVICE_MONTH;
  const read = DPS_PER_1K_OPERATIONS.read === PRICES_AS_OF ? "" : ` Its price was read ${DPS_PER_1K_OPERATIONS.read}, the others ${PRICES_AS_OF}.`;
  assumptions.push(`Device Provisioning Service: ${DPS_OPERATIONS_PER_DEVICE_MONTH} registrations per device a month (one a day), no standing fee.${read}`);
  return line("Device Provisioning Service", `S1, ${devices} device(s) × ${DPS_OPERATIONS_PER_DEVICE_MONTH} registrations = ${operations} operations a month`, (operations / 1000) * DPS_PER_1K_OPERATIONS.usd, [DPS_PER_1K_OPERATIONS]);
}

/** Case-insensitive, as Azure treats VM size names. */
function vmPrice(size: string): Price {
  const key = Object.keys(VM_HOURLY).find((k) => k.toLowerCase() === size.toLowerCase());
  if (key === undefined) {
    throw new RangeError(`vms.size: no price for "${size}"; the price table knows ${Object.keys(VM_HOURLY).join(", ")}`);
  }
  return VM_HOURLY[key];
}

/**
 * Running hours a month under the weekday schedule. A shutdown at or before the start hour
 * means the VM runs past midnight (e.g. start 8, shutdown 0200: 18 hours).
 */
export function runningHoursPerMonth(schedule: { time: string; workdayStartHour?: number }): number {
  const shutdown = parseShutdownTime(schedule.time);
  const start = schedule.workdayStartHour ?? DEFAULT_WORKDAY_START_HOUR;
  if (!Number.isFinite(start) || start < 0 || start >= 24) {
    throw new RangeError(`autoShutdown.workdayStartHour must be in [0, 24), got ${start}`);
  }
  const hoursPerWorkday = shutdown > start ? shutdown - start : shutdown + 24 - start;
  return hoursPerWorkday * DAYS_PER_MONTH * (WORKDAYS_PER_WEEK / 7);
}

/** "HHMM" → hours since midnight. */
export function parseShutdownTime(time: string): number {
  const m = /^([01]\d|2[0-3])([0-5]\d)$/.exec(time);
  if (!m) throw new RangeError(`autoShutdown.time must be "HHMM" (e.g. "1900"), got "${time}"`);
  return Number(m[1]) + Number(m[2]) / 60;
}

function line(component: string, item: string, monthlyUsd: number, prices: Price[]): CostLine {
  const unconfirmed = prices.filter((p) => !p.confirmed);
  const result: CostLine = { component, item, monthlyUsd, dailyUsd: toDaily(monthlyUsd), confirmed: unconfirmed.length === 0 };
  const notes = unconfirmed.map((p) => p.note).filter((n): n is string => n !== undefined);
  if (notes.length > 0) result.note = notes.join(" ");
  return result;
}

function toDaily(monthlyUsd: number): number {
  return monthlyUsd / DAYS_PER_MONTH;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function requireNonNegative(name: string, n: number): void {
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${n}`);
}

function requireWholeNumber(name: string, n: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new RangeError(`${name} must be a whole number in [${min}, ${max === Number.MAX_SAFE_INTEGER ? "∞" : max}], got ${n}`);
  }
}
