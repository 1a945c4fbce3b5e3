/**
 * The config's vocabulary: every enumerated value a stack may choose (hub and Bastion SKUs, images,
 * IoT Edge lines, agent modes, ...) and the types built from them. It imports nothing, so config
 * validation, the edge content, the network rules and the plan's prices all import their SKU and
 * tier types from here without importing each other.
 */
/** IoT Hub tiers with device twins; Basic (B1-B3) has none, so IoT Edge cannot run on it. */
export const HUB_SKUS = ["F1", "S1", "S2", "S3"] as const;
export const BASTION_SKUS = ["Developer", "Basic", "Standard", "Premium"] as const;
export const VM_IMAGES = ["ubuntu-22.04", "ubuntu-24.04"] as const;
export const IOT_EDGE_VERSIONS = ["1.6", "1.5"] as const;
export const DEVICE_AUTH_MODES = ["x509", "connectionString"] as const;
export const SECURITY_AGENT_MODES = ["defender-for-servers", "micro-agent", "classic-module", "none"] as const;
/** What a mode asks of the host provisioning script, which knows only these three. */
export const HOST_AGENT_INSTALLS = ["micro-agent", "classic-module", "none"] as const;
export const EVENT_PRIORITIES = ["Off", "Low", "High"] as const;
export const DEPLOYMENT_MODES = ["at-scale", "single-device"] as const;
/** sas: the program's own least-privilege policy; entra: a Microsoft Entra token at run time (lib/iothub/access.ts). */
export const DATA_PLANE_AUTH_MODES = ["sas", "entra"] as const;
/** registry: one hub identity per device, declared by the stack; dps: devices join through the Device Provisioning Service. */
export const FLEET_PROVISIONING_MODES = ["registry", "dps"] as const;
/** How devices prove themselves to DPS: a certificate chained to the stack's intermediate CA, or a key derived from the group key. */
export const DPS_ATTESTATIONS = ["x509", "symmetricKey"] as const;
export const ALERT_FREQUENCIES = ["PT5M", "PT10M", "PT15M", "PT30M", "PT1H"] as const;

/** Defender for IoT recommendation types (Microsoft.Security iotSecuritySolutions, 2019-08-01). */
export const RECOMMENDATION_TYPES = [
  "IoT_ACRAuthentication",
  "IoT_AgentSendsUnutilizedMessages",
  "IoT_Baseline",
  "IoT_EdgeHubMemOptimize",
  "IoT_EdgeLoggingOptions",
  "IoT_InconsistentModuleSettings",
  "IoT_InstallAgent",
  "IoT_IPFilter_DenyAll",
  "IoT_IPFilter_PermissiveRule",
  "IoT_OpenPorts",
  "IoT_PermissiveFirewallPolicy",
  "IoT_PermissiveInputFirewallRules",
  "IoT_PermissiveOutputFirewallRules",
  "IoT_PrivilegedDockerOptions",
  "IoT_SharedCredentials",
  "IoT_VulnerableTLSCipherSuite",
] as const;

export type HubSku = (typeof HUB_SKUS)[number];
export type BastionSku = (typeof BASTION_SKUS)[number];
export type VmImage = (typeof VM_IMAGES)[number];
export type IotEdgeVersion = (typeof IOT_EDGE_VERSIONS)[number];
export type DeviceAuthMode = (typeof DEVICE_AUTH_MODES)[number];
export type SecurityAgentMode = (typeof SECURITY_AGENT_MODES)[number];
export type HostAgentInstall = (typeof HOST_AGENT_INSTALLS)[number];
export type FleetProvisioning = (typeof FLEET_PROVISIONING_MODES)[number];
export type DpsAttestation = (typeof DPS_ATTESTATIONS)[number];
export type DeploymentMode = (typeof DEPLOYMENT_MODES)[number];
export type DataPlaneAuth = (typeof DATA_PLANE_AUTH_MODES)[number];
export type EventPriority = (typeof EVENT_PRIORITIES)[number];
export type RecommendationType = (typeof RECOMMENDATION_TYPES)[number];

/** The security agent settings of a stack (the `agent*` and `microAgent*` config keys). */
export interface AgentConfig {
  mode: SecurityAgentMode;
  classicImageTag: string;
  highPriorityMessageFrequency: string;
  lowPriorityMessageFrequency: string;
  snapshotFrequency: string;
  maxMessageSizeInBytes: number;
  maxLocalCacheSizeInBytes: number;
  eventPriorities: Record<string, EventPriority>;
  /** Micro agent send intervals in minutes. */
  microAgentIntervalsMinutes: { high: number; medium: number; low: number };
  /** Assumed micro agent message size, for the budget only. */
  microAgentMessageSizeBytes: number;
  debugLogging: boolean;
  echoModule: boolean;
}

/** Raw config as Pulumi hands it to a program: strings, with arrays as JSON text. */
export type RawConfig = Partial<Record<string, string>>;
