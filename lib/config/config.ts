/**
 * Stack configuration: the one place that turns `pulumi config` values into a typed, validated
 * object. `validateConfig` is pure (raw strings in, config or every error out) so it is tested
 * directly; `loadConfig` reads the Pulumi config and throws before any resource is declared.
 */
import { contains, overlaps, parseCidr, type Cidr } from "../network/cidr";
import { isSupportedRegion, SUPPORTED_REGIONS, type SupportedRegion } from "./regions";
import { DAILY_QUOTA_PER_UNIT, messageBudget } from "../plan/budget";
import { securityStreams } from "../edge/agentStreams";
import { isCalendarDate } from "./dates";
import { nearestKey, setHint } from "./hints";
import { BASTION_DEVELOPER_REGIONS, BASTION_DEVELOPER_REGIONS_AS_OF, offersBastionDeveloper } from "./bastionRegions";
import { endOfSupportWarning, undocumentedInstall } from "./agentModes";
import {
  ALERT_FREQUENCIES, BASTION_SKUS, DATA_PLANE_AUTH_MODES, DEPLOYMENT_MODES, DEVICE_AUTH_MODES, DPS_ATTESTATIONS, FLEET_PROVISIONING_MODES, HUB_SKUS,
  IOT_EDGE_VERSIONS, RECOMMENDATION_TYPES, SECURITY_AGENT_MODES, VM_IMAGES,
  type AgentConfig, type BastionSku, type DataPlaneAuth, type DeploymentMode, type DeviceAuthMode, type DpsAttestation, type EventPriority,
  type FleetProvisioning, type HubSku, type IotEdgeVersion, type RawConfig, type RecommendationType, type VmImage,
} from "./types";

export * from "./types";

export const PROJECT = "secure-iot-edge";

/** Each registry device is three declared resources; past this, state and preview time suffer. */
export const MAX_REGISTRY_DEVICES = 5000;
/** dps declares nothing per device; the bound keeps generated names and the plan sane (DPS's own quota: unconfirmed). */
export const MAX_DPS_DEVICES = 100000;

export type ConfigType = "string" | "integer" | "boolean" | "array";
type DefaultValue = string | number | boolean | string[];

export interface KeySpec {
  type: ConfigType;
  default: DefaultValue;
  description: string;
}

/**
 * Admin user names Azure refuses for Linux VMs (the compute API's reserved list), plus the
 * names our own accounts use.
 */
export const RESERVED_ADMIN_NAMES = [
  "1", "123", "a", "actuser", "adm", "admin", "admin1", "admin2", "administrator", "aspnet",
  "backup", "console", "david", "guest", "john", "owner", "root", "server", "sql", "support",
  "support_388945a0", "sys", "test", "test1", "test2", "test3", "user", "user1", "user2", "user3",
  "user4", "user5",
];

/** Tag keys the program sets itself; extraTags may not override them. */
export const MANAGED_TAG_KEYS = ["stage", "project", "managed-by", "expiresOn"];

/**
 * Every config key, its Pulumi.yaml type, default and description. Pulumi.yaml declares the same
 * (a test keeps them equal), so `pulumi config` shows them and the plan tool needs no CLI.
 */
export const CONFIG_SPEC = {
  hubRegion: { type: "string", default: "westeurope", description: `Azure region of the resource group and IoT Hub; one of the Defender for IoT regions: ${SUPPORTED_REGIONS.join(", ")}.` },
  workspaceRegion: { type: "string", default: "", description: "Region of the Log Analytics workspace; empty means the hub's region. Must also be a Defender for IoT region." },
  hubSku: { type: "string", default: "S1", description: "IoT Hub tier: F1 (free, 1 unit, 8,000 messages/day), S1, S2 or S3. Basic tiers are rejected: they have no device twins." },
  hubUnits: { type: "integer", default: 1, description: "IoT Hub units: 1 for F1; 1-200 for S1 and S2; 1-10 for S3." },
  dataPlaneAuth: { type: "string", default: "sas", description: "How the program reaches the IoT Hub data plane: sas (its own least-privilege shared access policy) or entra (a Microsoft Entra token obtained at run time; the deployer needs IoT Hub Data Contributor on the hub; in prod the hub's local auth is then switched off)." },
  dataPlaneRetryMinutes: { type: "integer", default: 15, description: "How long one IoT Hub data-plane call keeps retrying throttled or failed requests, in minutes, 1-120." },
  workspaceRetentionDays: { type: "integer", default: 30, description: "Log Analytics retention in days, 30-730." },
  workspaceDailyCapGb: { type: "string", default: "", description: "Log Analytics daily ingestion cap in GB (a decimal such as \"0.5\"); empty for no cap. Required when expiresOn is set." },
  securityRecommendationsDisabled: { type: "array", default: [], description: "Defender for IoT recommendation types to disable (e.g. IoT_OpenPorts); all are enabled by default." },
  bastionSku: { type: "string", default: "Developer", description: "Azure Bastion SKU: Developer (free, portal only, no public IP; offered in 35 regions, e.g. westeurope and northeurope, not eastus: see lib/config/bastionRegions.ts), Basic, Standard or Premium (native client `az network bastion ssh`)." },
  bastionScaleUnits: { type: "integer", default: 2, description: "Bastion scale units, 2-50; Standard and Premium only." },
  vnetAddressSpace: { type: "string", default: "10.50.0.0/16", description: "VNet address space (IPv4 CIDR)." },
  edgeSubnetPrefix: { type: "string", default: "10.50.1.0/24", description: "Edge VM subnet, inside the address space." },
  bastionSubnetPrefix: { type: "string", default: "10.50.255.0/26", description: "AzureBastionSubnet for Basic and above: /26 or larger, inside the space, not overlapping the edge subnet. Unused by Developer." },
  vmSize: { type: "string", default: "Standard_B2s", description: "Edge VM size (Standard_*)." },
  vmImage: { type: "string", default: "ubuntu-22.04", description: "Edge VM image: ubuntu-22.04 or ubuntu-24.04 (Gen2, Trusted Launch)." },
  vmImageVersion: { type: "string", default: "latest", description: "Marketplace image version, e.g. 22.04.202611010, or latest. Azure resolves latest once, at creation; the VM is not replaced when newer images appear. Pin it for byte-for-byte repeatable hosts." },
  adminUsername: { type: "string", default: "edgeadmin", description: "Edge VM admin user (SSH key only). Azure's reserved names such as admin or root are rejected." },
  autoShutdownTime: { type: "string", default: "1900", description: "Daily VM auto-shutdown time as HHMM (24 h), or \"off\"." },
  autoShutdownTimeZone: { type: "string", default: "UTC", description: "Windows time zone id for the shutdown time, e.g. UTC or \"W. Europe Standard Time\"." },
  iotEdgeVersion: { type: "string", default: "1.6", description: "IoT Edge runtime line: 1.6 (LTS to 2028-11-14) or 1.5 (support ended 2026-11-10)." },
  deviceAuth: { type: "string", default: "x509", description: "Edge device authentication: x509 (self-signed certificate from @pulumi/tls) or connectionString (symmetric keys)." },
  securityAgent: { type: "string", default: "defender-for-servers", description: "Security agent: defender-for-servers (Defender for Servers Plan 1 on each edge VM, with Defender for Endpoint; continuous export of alerts to the workspace), micro-agent (Defender for IoT host package; refused: no package is documented for ubuntu-22.04 or ubuntu-24.04, retires 2027-06-01), classic-module (the azureiotsecurity module of the original walkthrough, retired 2022-03-01) or none. See docs/security-monitoring.md." },
  classicAgentImageTag: { type: "string", default: "1.0.2", description: "Image tag of mcr.microsoft.com/ascforiot/azureiotsecurity (classic-module only)." },
  agentHighPriorityFrequency: { type: "string", default: "PT7M", description: "Security agent: how often high-priority messages are sent (ISO 8601 duration)." },
  agentLowPriorityFrequency: { type: "string", default: "PT5H", description: "Security agent: how often low-priority messages are sent (ISO 8601 duration)." },
  agentSnapshotFrequency: { type: "string", default: "PT13H", description: "Security agent: how often snapshot events are sent (ISO 8601 duration)." },
  agentMaxMessageSizeBytes: { type: "integer", default: 204800, description: "Classic module: largest message in bytes, 8192-262144; the message budget assumes each of its messages has this size." },
  microAgentMessageSizeBytes: { type: "integer", default: 204800, description: "Micro agent: the message size the budget assumes, 1-262144 (the agent's real sizes are not documented; the default is a cautious upper bound). Changes no setting on the device." },
  microAgentPriorityIntervals: { type: "string", default: "30,120,1440", description: "Micro agent: minutes between High, Medium and Low priority sends (CollectorsCore_PriorityIntervals), each a multiple of the one before." },
  agentMaxLocalCacheSizeBytes: { type: "integer", default: 2560000, description: "Security agent: local cache in bytes, at least 8192." },
  agentEventPriorities: { type: "array", default: [], description: "Security agent event priorities as Event=Off|Low|High, e.g. ProcessCreate=High." },
  agentDebugLogging: { type: "boolean", default: false, description: "Set logLevel=Debug on the classic security module (a debugging aid)." },
  echoModule: { type: "boolean", default: false, description: "Add an echo module fed with the classic security module's messages (a debugging aid)." },
  storeAndForwardTtlSecs: { type: "integer", default: 7200, description: "edgeHub store-and-forward time to live in seconds, 60-604800." },
  deploymentMode: { type: "string", default: "at-scale", description: "at-scale: one IoT Hub deployment targets every device by twin tag; single-device: the content is applied to each device directly (the portal's Set modules), at most 10 devices." },
  deploymentPriority: { type: "integer", default: 10, description: "Priority of the at-scale edge deployment, 0-2147483647." },
  fleetProvisioning: { type: "string", default: "registry", description: "registry: the stack declares one IoT Hub identity per edge device (3 resources each); dps: devices join through a Device Provisioning Service enrollment group, and the number of resources no longer grows with the fleet. See docs/dps.md." },
  dpsAttestation: { type: "string", default: "x509", description: "dps only: how devices attest, x509 (a certificate signed by the stack's intermediate CA) or symmetricKey (a key derived from the enrollment group's key)." },
  edgeDeviceCount: { type: "integer", default: 1, description: `Number of edge devices (edge-001, edge-002, ...): 1-${MAX_REGISTRY_DEVICES} with fleetProvisioning registry, 1-${MAX_DPS_DEVICES} with dps; ignored when edgeDeviceNames is set.` },
  edgeDeviceNames: { type: "array", default: [], description: "Explicit edge device ids (lower-case letters, digits, hyphens; 2-32 characters). Overrides edgeDeviceCount." },
  simulatedDevices: { type: "integer", default: 1, description: "How many of the generated edge devices (edge-001, edge-002, ...: new ones are appended, so the choice is stable) get an edge VM, 0-10. With edgeDeviceNames, use simulatedDeviceNames instead." },
  simulatedDeviceNames: { type: "array", default: [], description: "Edge devices that get an edge VM, by name (each one of the edge devices, at most 10); overrides simulatedDevices. Reordering or inserting names in edgeDeviceNames moves no VM." },
  earlyRenewalHours: { type: "integer", default: 720, description: "Renew a device certificate this many hours before it expires (x509), 1-8760; during the rollover the hub trusts the old and the new certificate." },
  alertEmails: { type: "array", default: [], description: "E-mail addresses that receive security alerts." },
  alertSeverity: { type: "integer", default: 2, description: "Severity of the scheduled query alerts, 0 (critical) - 4 (verbose)." },
  alertEvaluationFrequency: { type: "string", default: "PT15M", description: `How often alert rules run: ${ALERT_FREQUENCIES.join(", ")}.` },
  sshFailureThreshold: { type: "integer", default: 10, description: "Failed SSH logins on the edge host within one evaluation window that raise an alert, 1-1000." },
  resourceGroupLock: { type: "boolean", default: false, description: "Put a CanNotDelete lock on the resource group, created after and deleted before every other resource (needs Owner or User Access Administrator; remove it before `pulumi destroy`)." },
  protect: { type: "boolean", default: false, description: "Pulumi `protect` on the resource group, IoT Hub, workspace and name suffix: `pulumi destroy` and any replacement of them are refused until it is false." },
  expiresOn: { type: "string", default: "", description: "Trial end date YYYY-MM-DD; tagged on every resource and listed by `npm run expired`." },
  extraTags: { type: "array", default: [], description: "Extra tags as key=value, added to every resource that takes tags." },
} satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof CONFIG_SPEC;


export interface StackConfig {
  project: string;
  stage: string;
  hub: { region: SupportedRegion; sku: HubSku; units: number };
  /** How the data-plane resources authenticate, and their retry budget. */
  dataPlane: { auth: DataPlaneAuth; retryMinutes: number };
  workspace: { region: SupportedRegion; retentionDays: number; dailyCapGb?: number };
  security: { disabledRecommendations: RecommendationType[] };
  network: { addressSpace: Cidr; edgeSubnet: Cidr; bastionSubnet?: Cidr };
  bastion: { sku: BastionSku; scaleUnits: number };
  vm: {
    size: string;
    image: VmImage;
    /** "latest" or a pinned marketplace version. */
    imageVersion: string;
    adminUsername: string;
    /** Absent when auto-shutdown is off. */
    autoShutdown?: { time: string; timeZone: string };
  };
  edge: {
    version: IotEdgeVersion;
    deviceAuth: DeviceAuthMode;
    storeAndForwardTtlSecs: number;
    deploymentMode: DeploymentMode;
    deploymentPriority: number;
    /** x509: hours before expiry at which a device certificate is renewed. */
    earlyRenewalHours: number;
  };
  /** How the fleet's devices get their hub identity; the attestation applies to dps only. */
  provisioning: { mode: FleetProvisioning; dpsAttestation: DpsAttestation };
  agent: AgentConfig;
  fleet: { devices: string[]; simulated: string[] };
  alerts: { emails: string[]; severity: number; evaluationFrequency: string; sshFailureThreshold: number };
  lifecycle: { expiresOn?: string; resourceGroupLock: boolean; protect: boolean };
  extraTags: Record<string, string>;
}

export type ValidationResult =
  | { ok: true; config: StackConfig; warnings: string[] }
  | { ok: false; errors: string[]; warnings: string[] };

/** Thrown by loadConfig; Pulumi prints a RunError's message without a stack trace. */
export class ConfigError extends Error {
  constructor(readonly errors: string[]) {
    super(formatErrors(errors));
    this.name = "ConfigError";
  }
}

export function formatErrors(errors: string[]): string {
  return `${errors.length} configuration error${errors.length === 1 ? "" : "s"}; nothing was declared:\n${errors.map((e) => `  - ${e}`).join("\n")}`;
}

const ISO_DURATION = /^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;
const DEVICE_NAME = /^[a-z0-9][a-z0-9-]{0,30}[a-z0-9]$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const STAGE = /^[a-z][a-z0-9]{1,11}$/;

/** Collects every problem instead of stopping at the first. */
class Reader {
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  constructor(private readonly raw: RawConfig) {}

  fail(key: string, value: unknown, allowed: string): void {
    this.errors.push(`${PROJECT}:${key} = ${JSON.stringify(value)}: ${allowed}`);
  }

  private text(key: ConfigKey): string {
    const v = this.raw[`${PROJECT}:${key}`] ?? this.raw[key];
    if (v !== undefined) return v;
    const d = CONFIG_SPEC[key].default;
    return typeof d === "string" ? d : JSON.stringify(d);
  }

  string(key: ConfigKey): string {
    return this.text(key).trim();
  }

  oneOf<T extends string>(key: ConfigKey, allowed: readonly T[], extra = ""): T {
    const v = this.string(key);
    if ((allowed as readonly string[]).includes(v)) return v as T;
    this.fail(key, v, `${extra}allowed: ${allowed.join(", ")}`);
    return allowed[0];
  }

  integer(key: ConfigKey, min: number, max: number): number {
    const v = this.string(key);
    const n = Number(v);
    if (!/^-?\d+$/.test(v) || n < min || n > max) {
      this.fail(key, v, `allowed: a whole number from ${min} to ${max}`);
      return min;
    }
    return n;
  }

  boolean(key: ConfigKey): boolean {
    const v = this.string(key);
    if (v === "true" || v === "false") return v === "true";
    this.fail(key, v, "allowed: true or false");
    return false;
  }

  list(key: ConfigKey): string[] {
    const v = this.text(key);
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      parsed = undefined;
    }
    if (Array.isArray(parsed) && parsed.every((x) => typeof x === "string")) return parsed.map((x: string) => x.trim());
    this.fail(key, v, `allowed: a list of strings, one item at a time: ${setHint(key, "<value>", 0)}`);
    return [];
  }

  cidr(key: ConfigKey): Cidr | undefined {
    const v = this.string(key);
    const c = parseCidr(v);
    if (typeof c === "string") {
      this.fail(key, v, `${c}; allowed: an IPv4 network in CIDR form`);
      return undefined;
    }
    return c;
  }

  duration(key: ConfigKey): string {
    const v = this.string(key);
    if (!ISO_DURATION.test(v)) this.fail(key, v, "allowed: an ISO 8601 duration such as PT7M, PT5H or P1D");
    return v;
  }
}

export interface ValidateOptions {
  /**
   * Today's date (YYYY-MM-DD, UTC) for the warnings that depend on it: an expiresOn that has
   * passed, an agent mode whose support ends within a year. Only warnings use it, never a
   * declared value, so the same config declares the same inputs every day. Without it (tests,
   * pure callers) no date-dependent warning is given; the program passes the real date.
   */
  today?: string;
}

/** Pure: raw Pulumi config strings (and the stack name) in, a typed config or every error out. */

export function validateConfig(raw: RawConfig, stack: string, options: ValidateOptions = {}): ValidationResult {
  const r = new Reader(raw);
  if (!STAGE.test(stack)) {
    r.errors.push(`stack name ${JSON.stringify(stack)}: it becomes the stage in resource names; allowed: 2-12 lower-case letters and digits, starting with a letter`);
  }

  for (const key of Object.keys(raw).sort()) {
    const local = key.startsWith(`${PROJECT}:`) ? key.slice(PROJECT.length + 1) : undefined;
    if (local !== undefined && !(local in CONFIG_SPEC)) {
      const near = nearestKey(local, Object.keys(CONFIG_SPEC));
      r.fail(local, raw[key], `unknown key${near ? ` (did you mean ${near}?)` : " (a typo?)"}; allowed keys: ${Object.keys(CONFIG_SPEC).join(", ")}`);
    }
  }

  const hubRegion = r.string("hubRegion");
  if (!isSupportedRegion(hubRegion)) r.fail("hubRegion", hubRegion, `not a Defender for IoT region; allowed: ${SUPPORTED_REGIONS.join(", ")}`);
  const workspaceRegionRaw = r.string("workspaceRegion");
  const workspaceRegion = workspaceRegionRaw === "" ? hubRegion : workspaceRegionRaw;
  if (workspaceRegionRaw !== "" && !isSupportedRegion(workspaceRegionRaw)) {
    r.fail("workspaceRegion", workspaceRegionRaw, `not a Defender for IoT region; allowed: empty (the hub's region) or ${SUPPORTED_REGIONS.join(", ")}`);
  }

  const hubSkuRaw = r.string("hubSku");
  const basic = /^B[123]$/.test(hubSkuRaw);
  const hubSku = basic
    ? (r.fail("hubSku", hubSkuRaw, `Basic tiers have no device twins, which IoT Edge and Defender for IoT need; allowed: ${HUB_SKUS.join(", ")}`), "S1")
    : r.oneOf("hubSku", HUB_SKUS);
  const maxUnits = hubSku === "F1" ? 1 : hubSku === "S3" ? 10 : 200;
  const hubUnitsRaw = r.string("hubUnits");
  let hubUnits = 1;
  if (/^\d+$/.test(hubUnitsRaw) && Number(hubUnitsRaw) >= 1 && Number(hubUnitsRaw) <= maxUnits) hubUnits = Number(hubUnitsRaw);
  else r.fail("hubUnits", hubUnitsRaw, `allowed for ${hubSku}: a whole number from 1 to ${maxUnits}`);

  const dataPlaneAuth = r.oneOf("dataPlaneAuth", DATA_PLANE_AUTH_MODES);
  const dataPlaneRetryMinutes = r.integer("dataPlaneRetryMinutes", 1, 120);
  const retentionDays = r.integer("workspaceRetentionDays", 30, 730);
  const capRaw = r.string("workspaceDailyCapGb");
  let dailyCapGb: number | undefined;
  if (capRaw !== "") {
    const n = Number(capRaw);
    if (!/^\d+(\.\d+)?$/.test(capRaw) || n <= 0 || n > 10000) r.fail("workspaceDailyCapGb", capRaw, "allowed: empty (no cap) or a number of GB above 0, e.g. 0.5");
    else dailyCapGb = n;
  }

  const disabledRecommendations = r.list("securityRecommendationsDisabled").filter((t): t is RecommendationType => {
    if ((RECOMMENDATION_TYPES as readonly string[]).includes(t)) return true;
    r.fail("securityRecommendationsDisabled", t, `not a recommendation type; allowed: ${RECOMMENDATION_TYPES.join(", ")}`);
    return false;
  });

  const bastionSku = r.oneOf("bastionSku", BASTION_SKUS);
  if (bastionSku === "Developer" && isSupportedRegion(hubRegion) && !offersBastionDeveloper(hubRegion)) {
    const usable = SUPPORTED_REGIONS.filter(offersBastionDeveloper);
    r.fail("bastionSku", bastionSku, `Bastion Developer is not offered in hubRegion ${hubRegion} (Microsoft's list of ${BASTION_DEVELOPER_REGIONS.length} regions, ${BASTION_DEVELOPER_REGIONS_AS_OF}); allowed: Basic, Standard or Premium in ${hubRegion}, or Developer with a hubRegion of ${usable.join(", ")}`);
  }
  const scaleUnitsRaw = r.string("bastionScaleUnits");
  let scaleUnits = 2;
  if (!/^\d+$/.test(scaleUnitsRaw) || Number(scaleUnitsRaw) < 2 || Number(scaleUnitsRaw) > 50) {
    r.fail("bastionScaleUnits", scaleUnitsRaw, "allowed: a whole number from 2 to 50");
  } else if (Number(scaleUnitsRaw) !== 2 && (bastionSku === "Developer" || bastionSku === "Basic")) {
    r.fail("bastionScaleUnits", scaleUnitsRaw, `the ${bastionSku} SKU has a fixed size; allowed: 2, or choose bastionSku Standard or Premium`);
  } else scaleUnits = Number(scaleUnitsRaw);

  const addressSpace = r.cidr("vnetAddressSpace");
  const edgeSubnet = r.cidr("edgeSubnetPrefix");
  const needsBastionSubnet = bastionSku !== "Developer";
  const bastionSubnet = needsBastionSubnet ? r.cidr("bastionSubnetPrefix") : undefined;
  if (addressSpace && edgeSubnet && !contains(addressSpace, edgeSubnet)) {
    r.fail("edgeSubnetPrefix", edgeSubnet.text, `allowed: a subnet inside vnetAddressSpace ${addressSpace.text}`);
  }
  if (edgeSubnet && edgeSubnet.prefix > 29) r.fail("edgeSubnetPrefix", edgeSubnet.text, "allowed: /29 or larger (Azure reserves 5 addresses per subnet)");
  if (bastionSubnet) {
    if (bastionSubnet.prefix > 26) r.fail("bastionSubnetPrefix", bastionSubnet.text, `the ${bastionSku} SKU needs an AzureBastionSubnet of /26 or larger; allowed: a prefix length of 26 or less`);
    if (addressSpace && !contains(addressSpace, bastionSubnet)) r.fail("bastionSubnetPrefix", bastionSubnet.text, `allowed: a subnet inside vnetAddressSpace ${addressSpace.text}`);
    if (edgeSubnet && overlaps(edgeSubnet, bastionSubnet)) r.fail("bastionSubnetPrefix", bastionSubnet.text, `overlaps edgeSubnetPrefix ${edgeSubnet.text}; allowed: a range that does not overlap it`);
  }

  const vmSize = r.string("vmSize");
  if (!/^Standard_[A-Za-z0-9_]+$/.test(vmSize)) r.fail("vmSize", vmSize, "allowed: an Azure VM size name such as Standard_B2s");
  const image = r.oneOf("vmImage", VM_IMAGES);
  const imageVersion = r.string("vmImageVersion");
  if (imageVersion !== "latest" && !/^\d+\.\d+\.\d+$/.test(imageVersion)) r.fail("vmImageVersion", imageVersion, "allowed: latest or a version such as 22.04.202611010");
  const adminUsername = r.string("adminUsername");
  if (RESERVED_ADMIN_NAMES.includes(adminUsername.toLowerCase())) {
    r.fail("adminUsername", adminUsername, "Azure reserves this name; allowed: any other Linux user name, e.g. edgeadmin");
  } else if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(adminUsername)) {
    r.fail("adminUsername", adminUsername, "allowed: 1-32 characters, lower-case letters, digits, _ or -, starting with a letter or _");
  }
  const shutdownTime = r.string("autoShutdownTime");
  const timeZone = r.string("autoShutdownTimeZone");
  let autoShutdown: StackConfig["vm"]["autoShutdown"];
  if (shutdownTime !== "off") {
    if (!/^([01]\d|2[0-3])[0-5]\d$/.test(shutdownTime)) r.fail("autoShutdownTime", shutdownTime, "allowed: HHMM on a 24-hour clock, e.g. 1900, or off");
    if (!/^[A-Za-z][A-Za-z0-9 .()+:-]{0,63}$/.test(timeZone)) r.fail("autoShutdownTimeZone", timeZone, "allowed: a Windows time zone id such as UTC or W. Europe Standard Time");
    autoShutdown = { time: shutdownTime, timeZone };
  }

  const version = r.oneOf("iotEdgeVersion", IOT_EDGE_VERSIONS);
  if (version === "1.5") r.warnings.push(`${PROJECT}:iotEdgeVersion = "1.5": IoT Edge 1.5 LTS support ended on 2026-11-10; 1.6 LTS is supported to 2028-11-14`);
  const deviceAuth = r.oneOf("deviceAuth", DEVICE_AUTH_MODES);
  const storeAndForwardTtlSecs = r.integer("storeAndForwardTtlSecs", 60, 604800);
  const deploymentPriority = r.integer("deploymentPriority", 0, 2147483647);
  const deploymentMode = r.oneOf("deploymentMode", DEPLOYMENT_MODES);
  const earlyRenewalHours = r.integer("earlyRenewalHours", 1, 8760);

  const mode = r.oneOf("securityAgent", SECURITY_AGENT_MODES);
  const classicImageTag = r.string("classicAgentImageTag");
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(classicImageTag)) r.fail("classicAgentImageTag", classicImageTag, "allowed: a container image tag such as 1.0.2");
  const maxMessageSizeInBytes = r.integer("agentMaxMessageSizeBytes", 8192, 262144);
  const maxLocalCacheSizeInBytes = r.integer("agentMaxLocalCacheSizeBytes", 8192, 2147483647);
  const microAgentMessageSizeBytes = r.integer("microAgentMessageSizeBytes", 1, 262144);
  const eventPriorities: Record<string, EventPriority> = {};
  for (const entry of r.list("agentEventPriorities")) {
    const m = /^([A-Za-z][A-Za-z0-9]*)=(Off|Low|High)$/.exec(entry);
    if (!m) r.fail("agentEventPriorities", entry, "allowed: Event=Off, Event=Low or Event=High, e.g. ProcessCreate=High");
    else eventPriorities[m[1]] = m[2] as EventPriority;
  }
  const highPriorityMessageFrequency = r.duration("agentHighPriorityFrequency");
  const lowPriorityMessageFrequency = r.duration("agentLowPriorityFrequency");
  const snapshotFrequency = r.duration("agentSnapshotFrequency");
  const intervalsRaw = r.string("microAgentPriorityIntervals");
  const intervals = intervalsRaw.split(",").map((x) => Number(x.trim()));
  const [high, medium, low] = intervals;
  if (intervals.length !== 3 || !intervals.every((n) => Number.isInteger(n) && n > 0) || medium % high !== 0 || low % medium !== 0) {
    r.fail("microAgentPriorityIntervals", intervalsRaw, "allowed: three whole numbers of minutes High,Medium,Low, each a multiple of the one before, e.g. 30,120,1440");
  }
  const debugLogging = r.boolean("agentDebugLogging");
  const echoModule = r.boolean("echoModule");
  if (mode !== "classic-module") {
    if (echoModule) r.fail("echoModule", true, `the echo module is fed by the classic security module, but securityAgent is ${mode}; allowed: false, or securityAgent classic-module`);
    if (debugLogging) r.fail("agentDebugLogging", true, `logLevel=Debug is a setting of the classic security module, but securityAgent is ${mode}; allowed: false, or securityAgent classic-module`);
  }
  const undocumented = undocumentedInstall(mode, image);
  if (undocumented !== undefined) {
    r.fail("securityAgent", mode, `no install of this agent is documented for vmImage ${image}: ${undocumented}, so the agent step would fail on every VM and the budget would count messages that are never sent; allowed: defender-for-servers (the default), none, or classic-module`);
  }
  const support = options.today === undefined ? undefined : endOfSupportWarning(mode, options.today);
  if (support !== undefined) {
    const classicNote = mode === "classic-module" ? "; the azureiotsecurity module is documented only with edgeHub 1.0.8.3 or older" : "";
    r.warnings.push(`${PROJECT}:securityAgent = "${mode}": ${support}${classicNote}`);
  }

  const fleetProvisioning = r.oneOf("fleetProvisioning", FLEET_PROVISIONING_MODES);
  const dpsAttestation = r.oneOf("dpsAttestation", DPS_ATTESTATIONS);
  if (fleetProvisioning === "registry" && (raw[`${PROJECT}:dpsAttestation`] ?? raw.dpsAttestation) !== undefined) {
    r.warnings.push(`${PROJECT}:dpsAttestation = "${dpsAttestation}": used only with fleetProvisioning dps; registry devices authenticate as deviceAuth says`);
  }
  if (fleetProvisioning === "dps" && deploymentMode === "single-device") {
    r.fail("deploymentMode", deploymentMode, "devices that join through DPS are reached only by the at-scale deployment's target condition; allowed: at-scale, or fleetProvisioning registry");
  }
  const names = r.list("edgeDeviceNames");
  const count = r.integer("edgeDeviceCount", 1, fleetProvisioning === "dps" ? MAX_DPS_DEVICES : MAX_REGISTRY_DEVICES);
  let devices: string[];
  if (names.length > 0) {
    const seen = new Set<string>();
    for (const n of names) {
      if (!DEVICE_NAME.test(n)) r.fail("edgeDeviceNames", n, "allowed: 2-32 lower-case letters, digits and hyphens, not starting or ending with a hyphen");
      if (seen.has(n)) r.fail("edgeDeviceNames", n, "listed twice; allowed: unique names");
      seen.add(n);
    }
    const maxNames = fleetProvisioning === "dps" ? MAX_DPS_DEVICES : MAX_REGISTRY_DEVICES;
    if (names.length > maxNames) r.fail("edgeDeviceNames", `${names.length} names`, `allowed: at most ${maxNames} devices with fleetProvisioning ${fleetProvisioning}`);
    if (count !== 1 && count !== names.length) r.fail("edgeDeviceCount", count, `edgeDeviceNames lists ${names.length} devices; allowed: leave edgeDeviceCount at 1 or set it to ${names.length}`);
    devices = names;
  } else {
    const width = Math.max(3, String(count).length);
    devices = Array.from({ length: count }, (_, i) => `edge-${String(i + 1).padStart(width, "0")}`);
  }
  const simulatedCount = r.integer("simulatedDevices", 0, 10);
  if (deploymentMode === "single-device" && devices.length > 10) {
    r.fail("deploymentMode", deploymentMode, `${devices.length} devices would mean ${devices.length} separate deployments; allowed: at-scale, or at most 10 devices`);
  }
  const simulatedNames = r.list("simulatedDeviceNames");
  let simulated: string[];
  if (simulatedNames.length > 0) {
    const known = new Set(devices);
    const seen = new Set<string>();
    for (const n of simulatedNames) {
      if (!known.has(n)) r.fail("simulatedDeviceNames", n, `not an edge device; allowed: names from the device list (${devices.slice(0, 10).join(", ")}${devices.length > 10 ? ", ..." : ""})`);
      if (seen.has(n)) r.fail("simulatedDeviceNames", n, "listed twice; allowed: unique names");
      seen.add(n);
    }
    if (simulatedNames.length > 10) r.fail("simulatedDeviceNames", simulatedNames.length, "allowed: at most 10 devices with a VM");
    // Device order, not list order, so reordering either list changes nothing.
    simulated = devices.filter((d) => seen.has(d));
  } else {
    if (simulatedCount > devices.length) r.fail("simulatedDevices", simulatedCount, `only ${devices.length} edge device(s) are configured; allowed: 0 to ${Math.min(10, devices.length)}`);
    if (names.length > 0 && simulatedCount > 0) {
      // The first N of a hand-written list is positional: inserting a name would move a VM.
      r.fail("simulatedDevices", simulatedCount, `with edgeDeviceNames the VMs are chosen by name; allowed: 0, or set simulatedDeviceNames (e.g. pulumi config set --path 'simulatedDeviceNames[0]' ${names[0] ?? "<name>"}) and leave simulatedDevices unset`);
    }
    simulated = devices.slice(0, simulatedCount);
  }

  const emails = r.list("alertEmails");
  for (const e of emails) if (!EMAIL.test(e)) r.fail("alertEmails", e, "allowed: e-mail addresses such as secops@example.com");
  if (emails.length === 0) {
    const prod = stack === "prod" ? " A prod stack must notify someone: the policy pack's mandatory prod-alert-recipients policy fails `pulumi preview --policy-pack policy` until it does." : "";
    r.warnings.push(`${PROJECT}:alertEmails = []: alerts fire but notify nobody (see Monitor > Alerts); add one with ${setHint("alertEmails", "you@example.com", 0)}.${prod}`);
  }
  const severity = r.integer("alertSeverity", 0, 4);
  const evaluationFrequency = r.oneOf("alertEvaluationFrequency", ALERT_FREQUENCIES);
  const sshFailureThreshold = r.integer("sshFailureThreshold", 1, 1000);

  const expiresRaw = r.string("expiresOn");
  let expiresOn: string | undefined;
  if (expiresRaw !== "") {
    if (!isCalendarDate(expiresRaw)) r.fail("expiresOn", expiresRaw, "allowed: empty, or a calendar date YYYY-MM-DD");
    else expiresOn = expiresRaw;
    if (expiresOn !== undefined && options.today !== undefined && expiresOn < options.today) {
      r.warnings.push(`${PROJECT}:expiresOn = "${expiresOn}": this trial has expired (today is ${options.today}); tear it down (npm run expired prints the commands) or set a later date with ${setHint("expiresOn", "YYYY-MM-DD")}`);
    }
    if (capRaw === "") r.fail("workspaceDailyCapGb", capRaw, "a trial stack (expiresOn is set) must cap workspace ingestion; allowed: a number of GB above 0, e.g. 0.5");
  }
  const resourceGroupLock = r.boolean("resourceGroupLock");
  const protect = r.boolean("protect");

  const extraTags: Record<string, string> = {};
  for (const entry of r.list("extraTags")) {
    const i = entry.indexOf("=");
    const key = i > 0 ? entry.slice(0, i) : "";
    const value = i > 0 ? entry.slice(i + 1) : "";
    if (!key || /[<>%&\\?/]/.test(key) || key.length > 512 || value.length > 256) {
      r.fail("extraTags", entry, "allowed: key=value, key without < > % & \\ ? / and at most 512 characters, value at most 256");
    } else if (MANAGED_TAG_KEYS.includes(key)) {
      r.fail("extraTags", entry, `the program sets ${key} itself; allowed: any other key`);
    } else extraTags[key] = value;
  }

  const errors = r.errors;
  if (errors.length > 0) return { ok: false, errors, warnings: r.warnings };
  const config: StackConfig = {
      project: PROJECT,
      stage: stack,
      hub: { region: hubRegion as SupportedRegion, sku: hubSku, units: hubUnits },
      dataPlane: { auth: dataPlaneAuth, retryMinutes: dataPlaneRetryMinutes },
      workspace: { region: workspaceRegion as SupportedRegion, retentionDays, dailyCapGb },
      security: { disabledRecommendations },
      // Each CIDR was checked above: no error means each is defined.
      network: { addressSpace: addressSpace as Cidr, edgeSubnet: edgeSubnet as Cidr, bastionSubnet },
      bastion: { sku: bastionSku, scaleUnits },
      vm: { size: vmSize, image, imageVersion, adminUsername, autoShutdown },
      edge: { version, deviceAuth, storeAndForwardTtlSecs, deploymentMode, deploymentPriority, earlyRenewalHours },
      provisioning: { mode: fleetProvisioning, dpsAttestation },
      agent: {
        mode,
        classicImageTag,
        highPriorityMessageFrequency,
        lowPriorityMessageFrequency,
        snapshotFrequency,
        maxMessageSizeInBytes,
        maxLocalCacheSizeInBytes,
        eventPriorities,
        microAgentIntervalsMinutes: { high, medium, low },
        microAgentMessageSizeBytes,
        debugLogging,
        echoModule,
      },
      fleet: { devices, simulated },
      alerts: { emails, severity, evaluationFrequency, sshFailureThreshold },
      lifecycle: { expiresOn, resourceGroupLock, protect },
      extraTags,
  };
  const budgetProblem = checkMessageBudget(config, r.warnings);
  if (budgetProblem) return { ok: false, errors: [budgetProblem], warnings: r.warnings };
  return { ok: true, config, warnings: r.warnings };
}

/**
 * The fleet's security messages against the hub's daily quota: a warning at 80 %, an error
 * (returned) above 100 %, since the hub would stop accepting messages for the rest of the day.
 */
function checkMessageBudget(config: StackConfig, warnings: string[]): string | undefined {
  const budget = messageBudget({ hub: config.hub, devices: config.fleet.devices.length, streams: securityStreams(config.agent) });
  if (budget.level === "warning") warnings.push(`${PROJECT}:hubUnits = "${config.hub.units}": ${budget.message}`);
  if (budget.level !== "error") return undefined;
  const tier = config.hub.sku === "F1" ? "S1" : config.hub.sku;
  const needed = Math.ceil(budget.meteredPerDay / DAILY_QUOTA_PER_UNIT[tier]);
  // The budget's message is a sentence; here it is joined to what follows with "; ".
  const said = budget.message.replace(/\.$/, "");
  // F1 has exactly one unit: the thing to change is the tier, not the unit count.
  if (config.hub.sku === "F1") {
    return `${PROJECT}:hubSku = "F1": ${said}; the free tier has one unit and cannot grow; allowed: hubSku S1${needed > 1 ? ` with hubUnits ${needed}` : ""} (${setHint("hubSku", "S1")}${needed > 1 ? `; ${setHint("hubUnits", String(needed))}` : ""}), fewer edge devices, or less frequent agent messages`;
  }
  return `${PROJECT}:hubUnits = "${config.hub.units}": ${said}; allowed: at least ${needed} unit(s) of ${tier} (${setHint("hubUnits", String(needed))}), a larger hubSku, fewer edge devices, or less frequent agent messages`;
}
