/**
 * A secured Azure IoT Edge environment, one stack per stage (Pulumi.<stage>.yaml).
 *
 * Reads like a table of contents: validate the config (nothing is declared if it is wrong),
 * build each concern as a component, and export what a user needs next.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "./lib/config/load";
import { standardTags } from "./lib/config/naming";
import { connectHint, portalLink } from "./lib/network/connect";
import { StageResourceGroup } from "./components/resourceGroup";
import { LogWorkspace } from "./components/monitoring";
import { SecuredIotHub } from "./components/iotHub";
import { DefenderForIot } from "./components/defender";
import { EdgeNetwork } from "./components/network";
import { EdgeFleet } from "./components/fleet";
import { EdgeHost } from "./components/edgeHost";
import { HostAuditLogs } from "./components/hostLogs";
import { SecurityAlerts } from "./components/alerts";
import { DPS_GLOBAL_ENDPOINT, DPS_HUB_POLICY, ProvisioningService } from "./components/provisioningService";
import { fleetTargeting, stackManifest } from "./lib/edge/fleet";
import { imageReference, ubuntuVersion } from "./lib/edge/vmImage";

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
  const dpsMode = config.provisioning.mode === "dps";
  const targeting = fleetTargeting(config.project, config.stage);
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
    extraAccessPolicies: dpsMode ? [DPS_HUB_POLICY] : undefined,
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

  // dps: devices register themselves, so nothing is declared per device of the fleet. Until the
  // hosts' delivery channel carries the DPS config.toml (dpsHostProvisioning below), the simulated
  // VMs keep registry identities: at most 10, whatever edgeDeviceCount is.
  const registryDevices = dpsMode ? config.fleet.simulated : config.fleet.devices;
  const provisioning = dpsMode ? new ProvisioningService("dps", {
    resourceGroupName: rg,
    dpsName: names.apply((n) => n.dps),
    location: config.hub.region,
    hubName: hub.hubName,
    hubHostName: hub.hostName,
    attestation: config.provisioning.dpsAttestation,
    enrollmentGroupId: `${config.project}-${config.stage}-${config.provisioning.dpsAttestation === "x509" ? "x509" : "symkey"}`,
    twinTags: targeting.tags,
    simulatedDevices: config.fleet.simulated,
    iotEdgeVersion: config.edge.version,
    tags,
  }, { parent: group }) : undefined;

  const fleet = new EdgeFleet("fleet", {
    hubHostName: hub.hostName,
    hubKey: hub.ownerKey,
    devices: registryDevices,
    deviceAuth: config.edge.deviceAuth,
    targeting,
    manifest: stackManifest(config),
    deploymentMode: config.edge.deploymentMode,
    deploymentBaseName: `${config.project}-${config.stage}`,
    deploymentPriority: config.edge.deploymentPriority,
    labels: { stage: config.stage, securityAgent: config.agent.mode },
  }, { parent: group });

  // VMs only for the devices marked as simulated; the other identities are for real devices.
  const hosts = config.fleet.simulated.map((deviceId) => new EdgeHost(deviceId, {
    resourceGroupName: rg,
    location: config.hub.region,
    vmName: names.apply((n) => n.vm(deviceId)),
    nicName: names.apply((n) => n.nic(deviceId)),
    osDiskName: names.apply((n) => n.osDisk(deviceId)),
    subnetId: net.edgeSubnetId,
    size: config.vm.size,
    image: imageReference(config.vm.image, config.vm.imageVersion),
    adminUsername: config.vm.adminUsername,
    provisioning: pulumi.all([hub.hostName, fleet.credentials[deviceId]]).apply(([hubHostName, auth]) => ({
      ubuntuVersion: ubuntuVersion(config.vm.image),
      iotEdgeVersion: config.edge.version,
      hubHostName,
      deviceId,
      auth,
      securityAgent: config.agent.mode,
    })),
    autoShutdown: config.vm.autoShutdown,
    tags,
  }, { parent: group }));
  const vms = hosts.map((h, i) => ({ key: config.fleet.simulated[i], name: h.vmName, id: h.vmId }));

  new HostAuditLogs("hostlogs", {
    resourceGroupName: rg,
    location: config.hub.region,
    workspaceLocation: config.workspace.region,
    workspaceId: logs.workspaceId,
    names,
    vms,
    tags,
  }, { parent: group });

  new SecurityAlerts("alerts", {
    resourceGroupName: rg,
    location: config.workspace.region,
    workspaceId: logs.workspaceId,
    names,
    emails: config.alerts.emails,
    severity: config.alerts.severity,
    evaluationFrequency: config.alerts.evaluationFrequency,
    sshFailureThreshold: config.alerts.sshFailureThreshold,
    vmIds: vms.map((v) => v.id),
    // With a daily shutdown, a silent VM is expected every evening; the rule would only cry wolf.
    silentDeviceAlertEnabled: config.vm.autoShutdown === undefined,
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
    edgeDevices: config.fleet.devices,
    edgeDeploymentId: fleet.deploymentId,
    /** x509 only: each device certificate's SHA-256 thumbprint, as registered in the hub. */
    deviceThumbprints: fleet.thumbprints,
    edgeVms: Object.fromEntries(hosts.map((h, i) => {
      const deviceId = config.fleet.simulated[i];
      const connect = pulumi.all([net.bastionName, rg, h.vmId]).apply(([bastionName, resourceGroup, vmId]) =>
        connectHint({ bastionSku: config.bastion.sku, bastionName, resourceGroup, vmId, adminUsername: config.vm.adminUsername, deviceId }));
      return [deviceId, { vmName: h.vmName, vmId: h.vmId, privateIp: h.privateIp, adminUsername: config.vm.adminUsername, connect }];
    })),
    /** Secret: credentials for the devices without a VM, to provision real devices with. */
    deviceCredentials: pulumi.secret(Object.fromEntries(registryDevices.filter((d) => !config.fleet.simulated.includes(d)).map((d) => [d, fleet.credentials[d]]))),
    // dps only (absent otherwise): what `npm run bundle` reads to provision a physical device, keys
    // as secrets; and, secret, per simulated device the DPS config.toml (and X.509 identity) its host applies.
    ...(provisioning ? {
      dps: {
        dpsName: provisioning.dpsName,
        idScope: provisioning.idScope,
        globalEndpoint: DPS_GLOBAL_ENDPOINT,
        enrollmentGroupId: provisioning.enrollmentGroupId,
        attestation: config.provisioning.dpsAttestation,
        iotEdgeVersion: config.edge.version,
        ...(provisioning.groupKey ? { groupKey: provisioning.groupKey } : {}),
        ...(provisioning.rootCertPem ? { rootCertPem: provisioning.rootCertPem, intermediateCertPem: provisioning.intermediateCertPem, intermediateKeyPem: provisioning.intermediateKeyPem } : {}),
      },
      dpsHostProvisioning: pulumi.secret(pulumi.all(provisioning.hosts)),
    } : {}),
    /** Secret. `pulumi stack output sshPrivateKeys --show-secrets`; see the README for Bastion. */
    sshPrivateKeys: pulumi.secret(Object.fromEntries(hosts.map((h, i) => [config.fleet.simulated[i], h.sshPrivateKey]))),
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
