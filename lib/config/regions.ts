/**
 * Regions where IoT Hub is listed for Defender for IoT (azure-facts.md, "Supported regions").
 * The hub and the workspace must each be in this list. Whether the service limits the
 * workspace's own region beyond this list is unconfirmed, so we apply the same list to both.
 */
export const SUPPORTED_REGIONS = [
  "australiaeast",
  "australiasoutheast",
  "brazilsouth",
  "canadacentral",
  "canadaeast",
  "centralindia",
  "centralus",
  "eastasia",
  "eastus",
  "eastus2",
  "francecentral",
  "japaneast",
  "japanwest",
  "koreacentral",
  "koreasouth",
  "northcentralus",
  "northeurope",
  "southcentralus",
  "southeastasia",
  "southindia",
  "uksouth",
  "ukwest",
  "westcentralus",
  "westeurope",
  "westus",
  "westus2",
] as const;

export type SupportedRegion = (typeof SUPPORTED_REGIONS)[number];

export function isSupportedRegion(region: string): region is SupportedRegion {
  return (SUPPORTED_REGIONS as readonly string[]).includes(region);
}

/** Where Defender for IoT processes a hub's data (azure-facts.md): European hubs in West Europe. */
export function securityDataRegion(hubRegion: SupportedRegion): "westeurope" | "eastus" {
  const european = ["northeurope", "westeurope", "francecentral", "uksouth", "ukwest"];
  return european.includes(hubRegion) ? "westeurope" : "eastus";
}
