/** Bad config values and what their error must say: shared by the validation test and the mock-engine test. */
import type { RawConfig } from "../../lib/config/config";
import { stackFileToRaw } from "../../lib/config/stackFile";
import { stackFileConfig } from "../helpers/stackFiles";

export interface BadCase {
  what: string;
  stack?: string;
  set: Record<string, unknown>;
  /** Fragments the error must contain: the key, the value, and what is allowed. */
  key: string;
  value: string;
  allowed: string;
}

export const BAD: BadCase[] = [
  { what: "hub region without Defender for IoT", set: { hubRegion: "westus3" }, key: "hubRegion", value: '"westus3"', allowed: "allowed: australiaeast, australiasoutheast" },
  { what: "workspace region without Defender for IoT", set: { workspaceRegion: "germanywestcentral" }, key: "workspaceRegion", value: '"germanywestcentral"', allowed: "allowed: empty (the hub's region) or" },
  { what: "a Basic hub tier", set: { hubSku: "B1" }, key: "hubSku", value: '"B1"', allowed: "Basic tiers have no device twins" },
  { what: "an unknown hub tier", set: { hubSku: "S4" }, key: "hubSku", value: '"S4"', allowed: "allowed: F1, S1, S2, S3" },
  { what: "F1 with two units", set: { hubSku: "F1", hubUnits: 2 }, key: "hubUnits", value: '"2"', allowed: "allowed for F1: a whole number from 1 to 1" },
  { what: "S3 with eleven units", set: { hubSku: "S3", hubUnits: 11 }, key: "hubUnits", value: '"11"', allowed: "allowed for S3: a whole number from 1 to 10" },
  { what: "an unknown data-plane auth mode", set: { dataPlaneAuth: "iothubowner" }, key: "dataPlaneAuth", value: '"iothubowner"', allowed: "allowed: sas, entra" },
  { what: "a data-plane retry budget of 0 minutes", set: { dataPlaneRetryMinutes: 0 }, key: "dataPlaneRetryMinutes", value: '"0"', allowed: "from 1 to 120" },
  { what: "a data-plane retry budget over 2 hours", set: { dataPlaneRetryMinutes: 121 }, key: "dataPlaneRetryMinutes", value: '"121"', allowed: "from 1 to 120" },
  { what: "retention under 30 days", set: { workspaceRetentionDays: 7 }, key: "workspaceRetentionDays", value: '"7"', allowed: "from 30 to 730" },
  { what: "a negative daily cap", set: { workspaceDailyCapGb: "-1" }, key: "workspaceDailyCapGb", value: '"-1"', allowed: "allowed: empty (no cap) or a number of GB above 0" },
  { what: "an unknown Bastion SKU", set: { bastionSku: "Free" }, key: "bastionSku", value: '"Free"', allowed: "allowed: Developer, Basic, Standard, Premium" },
  { what: "a /27 Bastion subnet for Basic", set: { bastionSku: "Basic", bastionSubnetPrefix: "10.50.255.0/27" }, key: "bastionSubnetPrefix", value: '"10.50.255.0/27"', allowed: "needs an AzureBastionSubnet of /26 or larger" },
  { what: "an edge subnet outside the VNet", set: { edgeSubnetPrefix: "10.99.1.0/24" }, key: "edgeSubnetPrefix", value: '"10.99.1.0/24"', allowed: "allowed: a subnet inside vnetAddressSpace 10.50.0.0/16" },
  { what: "a Bastion subnet overlapping the edge subnet", set: { bastionSku: "Standard", bastionSubnetPrefix: "10.50.1.0/26" }, key: "bastionSubnetPrefix", value: '"10.50.1.0/26"', allowed: "overlaps edgeSubnetPrefix 10.50.1.0/24" },
  { what: "an address space with host bits", set: { vnetAddressSpace: "10.50.0.1/16" }, key: "vnetAddressSpace", value: '"10.50.0.1/16"', allowed: "host bits are set" },
  { what: "a malformed CIDR", set: { vnetAddressSpace: "10.50.0.0/33" }, key: "vnetAddressSpace", value: '"10.50.0.0/33"', allowed: "allowed: an IPv4 network in CIDR form" },
  { what: "a reserved admin name", set: { adminUsername: "admin" }, key: "adminUsername", value: '"admin"', allowed: "Azure reserves this name" },
  { what: "an admin name with a space", set: { adminUsername: "Edge User" }, key: "adminUsername", value: '"Edge User"', allowed: "lower-case letters, digits" },
  { what: "a bad alert e-mail", set: { alertEmails: ["secops-at-example"] }, key: "alertEmails", value: '"secops-at-example"', allowed: "allowed: e-mail addresses" },
  { what: "an impossible expiry date", set: { expiresOn: "2026-02-30", workspaceDailyCapGb: "0.5" }, key: "expiresOn", value: '"2026-02-30"', allowed: "a calendar date YYYY-MM-DD" },
  { what: "a trial without a daily cap", stack: "prod", set: { expiresOn: "2026-12-31" }, key: "workspaceDailyCapGb", value: '""', allowed: "must cap workspace ingestion" },
  { what: "a tag that overrides a managed tag", set: { extraTags: ["stage=other"] }, key: "extraTags", value: '"stage=other"', allowed: "the program sets stage itself" },
  { what: "a misspelt key", set: { hubSkew: "S1" }, key: "hubSkew", value: '"S1"', allowed: "unknown key (did you mean hubSku?)" },
  { what: "an unsupported image", set: { vmImage: "ubuntu-20.04" }, key: "vmImage", value: '"ubuntu-20.04"', allowed: "allowed: ubuntu-22.04, ubuntu-24.04" },
  { what: "scale units on Developer", set: { bastionScaleUnits: 4 }, key: "bastionScaleUnits", value: '"4"', allowed: "the Developer SKU has a fixed size" },
  { what: "the echo module without the classic module", set: { echoModule: true }, key: "echoModule", value: "true", allowed: "allowed: false, or securityAgent classic-module" },
  { what: "an impossible shutdown time", set: { autoShutdownTime: "2500" }, key: "autoShutdownTime", value: '"2500"', allowed: "HHMM on a 24-hour clock" },
  { what: "a simulated device name that is not a device", set: { edgeDeviceNames: ["plant-a", "plant-b"], simulatedDeviceNames: ["plant-c"] }, key: "simulatedDeviceNames", value: '"plant-c"', allowed: "not an edge device; allowed: names from the device list (plant-a, plant-b)" },
  { what: "a positional VM count with hand-written device names", set: { edgeDeviceNames: ["plant-a", "plant-b"], simulatedDevices: 1 }, key: "simulatedDevices", value: "1", allowed: "with edgeDeviceNames the VMs are chosen by name; allowed: 0, or set simulatedDeviceNames" },
  { what: "no early renewal", set: { earlyRenewalHours: 0 }, key: "earlyRenewalHours", value: '"0"', allowed: "a whole number from 1 to 8760" },
  { what: "an early renewal longer than a year", set: { earlyRenewalHours: 8761 }, key: "earlyRenewalHours", value: '"8761"', allowed: "a whole number from 1 to 8760" },
  { what: "an unknown recommendation type", set: { securityRecommendationsDisabled: ["IoT_Nope"] }, key: "securityRecommendationsDisabled", value: '"IoT_Nope"', allowed: "allowed: IoT_ACRAuthentication" },
  { what: "a frequency that is not an ISO 8601 duration", set: { agentHighPriorityFrequency: "7 minutes" }, key: "agentHighPriorityFrequency", value: '"7 minutes"', allowed: "an ISO 8601 duration" },
  { what: "more simulated devices than devices", set: { edgeDeviceCount: 2, simulatedDevices: 3 }, key: "simulatedDevices", value: "3", allowed: "allowed: 0 to 2" },
  { what: "a device name with upper case", set: { edgeDeviceNames: ["Edge_01"] }, key: "edgeDeviceNames", value: '"Edge_01"', allowed: "lower-case letters, digits and hyphens" },
  { what: "a message size over the agent's maximum", set: { agentMaxMessageSizeBytes: 300000 }, key: "agentMaxMessageSizeBytes", value: '"300000"', allowed: "from 8192 to 262144" },
];

export function rawFor(c: BadCase): RawConfig {
  return { ...stackFileConfig(c.stack ?? "dev"), ...stackFileToRaw(c.set) };
}
