/**
 * A secured Azure IoT Edge environment, one stack per stage (Pulumi.<stage>.yaml).
 *
 * Reads like a table of contents: validate the config (nothing is declared if it is wrong),
 * build each concern as a component, and export what a user needs next.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "./lib/config/load";
import { AGENT_MODES } from "./lib/config/agentModes";
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
import { DefenderForServers } from "./components/defenderForServers";
import { DPS_GLOBAL_ENDPOINT, DPS_HUB_POLICY, ProvisioningService, type HostDpsProvisioning } from "./components/provisioningService";
import type { DeviceAuth, DpsHostAttestation } from "./lib/edge/hostProvisioning";
import { fleetTargeting, stackManifest } from "./lib/edge/fleet";
import { imageReference, ubuntuVersion } from "./lib/edge/vmImage";
import { dayTwoDecision, parseDayTwoRecord, type DayTwoRecord } from "./lib/config/dayTwo";
import { formatErrors } from "./lib/config/config";

/**
 * This stack's own `dayTwo` output from its last `up`, read before anything else is declared.
 * A StackReference to the running stack reads its last checkpoint (not confirmed against the
 * Pulumi service here: the CLI is not installed); a new stack has none.
 */
async function previousDayTwo(): Promise<unknown> {
  const self = new pulumi.StackReference("previous-run", { name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}` });
  return (await self.getOutputDetails("dayTwo")).value;
}

/** The host's credentials for DPS: a derived key, or the leaf certificate chain and its key. */
function dpsHostAuth(h: HostDpsProvisioning): DeviceAuth {
  const attestation: DpsHostAttestation = h.symmetricKey !== undefined
    ? { method: "symmetric_key", symmetricKey: h.symmetricKey }
    : { method: "x509", certificatePem: h.identityCertPem ?? "", privateKeyPem: h.identityKeyPem ?? "" };
  return { mode: "dps", idScope: h.idScope, attestation };
}

async function main() {
  const config = loadConfig();
  const decision = dayTwoDecision(parseDayTwoRecord(await previousDayTwo()), {
    hubSku: config.hub.sku,
    bastionSku: config.bastion.sku,
    hubRegion: config.hub.region,
    workspaceRegion: config.workspace.region,
  });
  if (decision.errors.length > 0) throw new pulumi.RunError(formatErrors(decision.errors));
  const tags = standardTags({ project: config.project, stage: config.stage, expiresOn: config.lifecycle.expiresOn, extra: config.extraTags });

  const group = new StageResourceGroup(config.stage, {
    stage: config.stage,
    location: config.hub.region,
    tags,
    protect: config.lifecycle.protect,
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
    protect: config.lifecycle.protect,
  }, { parent: group });

  const hub = new SecuredIotHub("hub", {
    resourceGroupName: rg,
    hubName: names.iotHub,
    location: config.hub.region,
    sku: config.hub.sku,
    units: config.hub.units,
    workspaceId: logs.workspaceId,
    tags,
    protect: config.lifecycle.protect,
    stage: config.stage,
    dataPlaneAuth: config.dataPlane.auth,
    extraAccessPolicies: dpsMode ? [DPS_HUB_POLICY] : undefined,
    localAuthNeeded: dpsMode,
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
    replaceBastion: decision.replaceBastion,
    tags,
  }, { parent: group });

  // dps: devices register themselves, so nothing is declared per device of the fleet; the
  // simulated VMs register through DPS too, their Run Command carrying the DPS config.toml.
  const registryDevices = dpsMode ? [] : config.fleet.devices;
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
    connection: {
      dataPlaneAuth: config.dataPlane.auth,
      hubKey: hub.dataPlaneKey,
      keyName: hub.dataPlaneKeyName,
      hubSku: config.hub.sku,
      hubUnits: config.hub.units,
      retryMinutes: config.dataPlane.retryMinutes,
    },
    devices: registryDevices,
    deviceAuth: config.edge.deviceAuth,
    targeting,
    manifest: stackManifest(config),
    deploymentMode: config.edge.deploymentMode,
    deploymentBaseName: `${config.project}-${config.stage}`,
    deploymentPriority: config.edge.deploymentPriority,
    labels: { stage: config.stage, securityAgent: config.agent.mode },
    earlyRenewalHours: config.edge.earlyRenewalHours,
    runningThumbprints: decision.runningThumbprints,
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
    provisioning: pulumi.all([hub.hostName, provisioning ? provisioning.hosts[deviceId].apply(dpsHostAuth) : fleet.credentials[deviceId]]).apply(([hubHostName, auth]) => ({
      ubuntuVersion: ubuntuVersion(config.vm.image),
      iotEdgeVersion: config.edge.version,
      hubHostName,
      deviceId,
      auth,
      // The script installs only micro-agent or nothing; Defender for Servers is declared below.
      securityAgent: AGENT_MODES[config.agent.mode].hostInstall,
    })),
    // The identity (with both thumbprints during a rollover) is updated before the host gets
    // the new certificate.
    provisioningDependsOn: provisioning ? [provisioning] : [fleet.devices[deviceId]],
    autoShutdown: config.vm.autoShutdown,
    tags,
  }, { parent: group }));
  const vms = hosts.map((h, i) => ({ key: config.fleet.simulated[i], name: h.vmName, id: h.vmId }));

  const servers = config.agent.mode === "defender-for-servers" && vms.length > 0
    ? new DefenderForServers("defender-servers", {
      resourceGroupName: rg,
      resourceGroupId: group.resourceGroupId,
      location: config.hub.region,
      workspaceId: logs.workspaceId,
      automationName: names.apply((n) => n.securityExport),
      vms: vms.map((v) => ({ key: v.key, id: v.id })),
      tags,
    }, { parent: group })
    : undefined;

  const hostLogs = new HostAuditLogs("hostlogs", {
    resourceGroupName: rg,
    location: config.hub.region,
    workspaceLocation: config.workspace.region,
    workspaceId: logs.workspaceId,
    names,
    vms,
    tags,
  }, { parent: group });

  const alerts = new SecurityAlerts("alerts", {
    resourceGroupName: rg,
    location: config.workspace.region,
    workspaceId: logs.workspaceId,
    names,
    emails: config.alerts.emails,
    severity: config.alerts.severity,
    evaluationFrequency: config.alerts.evaluationFrequency,
    sshFailureThreshold: config.alerts.sshFailureThreshold,
    hubId: hub.hubId,
    vmIds: vms.map((v) => v.id),
    // With a daily shutdown, a silent VM is expected every evening; the rule would only cry wolf.
    silentDeviceAlertEnabled: config.vm.autoShutdown === undefined,
    tags,
  }, { parent: group });

  if (config.lifecycle.resourceGroupLock) group.lockAfter([logs, hub, defender, net, fleet, ...hosts, hostLogs, alerts, ...(servers ? [servers] : [])]);

  // What the host runs, recorded only once its Run Command succeeded; devices without a VM keep
  // the current certificate (their owner installs it from deviceCredentials).
  const running: Record<string, pulumi.Output<string | undefined>> = {};
  if (config.edge.deviceAuth === "x509" && !dpsMode) {
    for (const deviceId of config.fleet.devices) {
      const i = config.fleet.simulated.indexOf(deviceId);
      running[deviceId] = i >= 0 ? hosts[i].hostThumbprint : fleet.thumbprints[deviceId];
    }
  }
  const dayTwo: pulumi.Output<DayTwoRecord> = pulumi.all(running).apply((r) => ({
    hubSku: config.hub.sku,
    bastionSku: config.bastion.sku,
    hubRegion: config.hub.region,
    workspaceRegion: config.workspace.region,
    runningThumbprints: Object.fromEntries(Object.entries(r).filter((e): e is [string, string] => typeof e[1] === "string")),
  }));

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
    /** x509 only: each device certificate's expiry (RFC 3339); renewed earlyRenewalHours before. */
    deviceCertificateExpiry: fleet.certificateExpiry,
    /** Read back by the next `up` (previousDayTwo): tiers and the thumbprint each device runs. */
    dayTwo,
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
