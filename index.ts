/**
 * A secured Azure IoT Edge environment, one stack per stage (Pulumi.<stage>.yaml).
 *
 * Reads like a table of contents: validate the config (nothing is declared if it is wrong),
 * build each concern as a component, and export what a user needs next.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "./lib/loadConfig";
import { standardTags } from "./lib/naming";
import { portalLink } from "./lib/portal";
import { StageResourceGroup } from "./components/resourceGroup";
import { LogWorkspace } from "./components/monitoring";
import { SecuredIotHub } from "./components/iotHub";
import { DefenderForIot } from "./components/defender";
import { EdgeNetwork } from "./components/network";

function main() {
  const config = loadConfig();
  const tags = standardTags({ project: config.project, stage: config.stage, expiresOn: config.lifecycle.expiresOn, extra: config.extraTags });

  const group = new StageResourceGroup(config.stage, {
    stage: config.stage,
    location: config.hub.region,
    tags,
    lock: config.lifecycle.resourceGroupLock,
  });
  const rg = group.resourceGroupName;
  const names = group.names;

  const logs = new LogWorkspace("workspace", {
    resourceGroupName: rg,
    workspaceName: names.workspace,
    location: config.workspace.region,
    retentionDays: config.workspace.retentionDays,
    dailyCapGb: config.workspace.dailyCapGb,
    tags,
  }, { parent: group });

  const hub = new SecuredIotHub("hub", {
    resourceGroupName: rg,
    hubName: names.iotHub,
    location: config.hub.region,
    sku: config.hub.sku,
    units: config.hub.units,
    workspaceId: logs.workspaceId,
    tags,
  }, { parent: group });

  const defender = new DefenderForIot("defender", {
    resourceGroupName: rg,
    solutionName: names.securitySolution,
    location: config.hub.region,
    hubId: hub.hubId,
    workspaceId: logs.workspaceId,
    disabledRecommendations: config.security.disabledRecommendations,
    tags,
  }, { parent: group });

  const net = new EdgeNetwork("network", {
    resourceGroupName: rg,
    location: config.hub.region,
    names,
    addressSpace: config.network.addressSpace.text,
    edgeSubnetPrefix: config.network.edgeSubnet.text,
    bastionSubnetPrefix: config.network.bastionSubnet?.text,
    bastionSku: config.bastion.sku,
    bastionScaleUnits: config.bastion.scaleUnits,
    tags,
  }, { parent: group });

  return {
    resourceGroup: rg,
    hubName: hub.hubName,
    hubHostName: hub.hostName,
    workspaceId: logs.workspaceId,
    workspaceCustomerId: logs.customerId,
    securitySolutionId: defender.solutionId,
    bastionName: net.bastionName,
    portal: {
      resourceGroup: group.resourceGroupId.apply((id) => portalLink(id)),
      hub: hub.hubId.apply((id) => portalLink(id)),
      defenderForIot: hub.hubId.apply((id) => portalLink(id, "IoTSecurityOverview")),
      workspaceLogs: logs.workspaceId.apply((id) => portalLink(id, "logs")),
      bastion: net.bastionId.apply((id) => portalLink(id)),
    },
    expiresOn: config.lifecycle.expiresOn ?? "",
  } satisfies Record<string, pulumi.Input<unknown>>;
}

export = main;
