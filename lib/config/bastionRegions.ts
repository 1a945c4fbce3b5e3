/**
 * Regions where Azure offers Bastion's Developer SKU. Pure data.
 *
 * Source: Microsoft Learn, "Quickstart: Deploy Azure Bastion - Developer SKU"
 * (https://learn.microsoft.com/azure/bastion/quickstart-developer-sku), the list of 35 regions
 * as of September 2025, per the project's review notes of 2026-11-29 (docs/security-monitoring.md).
 * Confirmed in that review: westeurope and northeurope are in it, eastus is not. The remaining
 * entries were transcribed and not re-read one by one in this session (the stored copy of the
 * docs repository only had the 2023 preview list: westcentralus, northcentralus, westus,
 * northeurope, centraluseuap, eastus2euap); check the page before relying on a region at its edge.
 */
export const BASTION_DEVELOPER_REGIONS_AS_OF = "2025-09";

export const BASTION_DEVELOPER_REGIONS = [
  "australiacentral",
  "australiaeast",
  "australiasoutheast",
  "brazilsouth",
  "canadacentral",
  "canadaeast",
  "centralindia",
  "centralus",
  "centraluseuap",
  "eastasia",
  "eastus2euap",
  "francecentral",
  "germanywestcentral",
  "italynorth",
  "japaneast",
  "japanwest",
  "koreacentral",
  "koreasouth",
  "mexicocentral",
  "northcentralus",
  "northeurope",
  "norwayeast",
  "polandcentral",
  "southafricanorth",
  "southeastasia",
  "southindia",
  "spaincentral",
  "swedencentral",
  "switzerlandnorth",
  "uaenorth",
  "uksouth",
  "ukwest",
  "westcentralus",
  "westeurope",
  "westus",
] as const;

export function offersBastionDeveloper(region: string): boolean {
  return (BASTION_DEVELOPER_REGIONS as readonly string[]).includes(region);
}
