import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/azure-native/compute";
import * as monitor from "@pulumi/azure-native/monitor";
import { HOST_LOG_FACILITIES } from "../lib/monitoring/alertQueries";
import type { Names } from "../lib/config/naming";

/** An edge VM as HostAuditLogs needs it. */
export interface EdgeVmRef {
  /** Required. A stable key for child resource names, e.g. the device id (edge-001). */
  key: string;
  /** Required. The VM's Azure name (the extension is its child). */
  name: pulumi.Input<string>;
  /** Required. The VM's resource id. The VM must have a system-assigned identity: the agent signs in with it. */
  id: pulumi.Input<string>;
}

export interface HostAuditLogsArgs {
  /** Required. Resource group of the VMs and of the data collection rule. */
  resourceGroupName: pulumi.Input<string>;
  /** Required. Region of the VMs (and so of their agent extensions). */
  location: string;
  /**
   * Required. Region of the data collection rule: the workspace's. Microsoft's templates put the
   * rule beside its workspace and associate it with VMs anywhere; whether a rule in another region
   * than its workspace is refused is unconfirmed, so none is declared that way.
   */
  workspaceLocation: string;
  /** Required. Resource id of the Log Analytics workspace that receives the Syslog records. */
  workspaceId: pulumi.Input<string>;
  /** Required. The stage's names (the data collection rule's). */
  names: pulumi.Output<Names>;
  /** Required. The edge VMs to collect from; may be empty (then only the rule is declared). */
  vms: EdgeVmRef[];
  /** Required. Tags for the rule and the extensions. */
  tags: Record<string, string>;
}

/** Levels collected: everything but debug. sshd and audisp-syslog both log at info. */
export const COLLECTED_LEVELS = ["Info", "Notice", "Warning", "Error", "Critical", "Alert", "Emergency"];

/** Destination name inside the rule; data flows refer to it. */
const WORKSPACE_DESTINATION = "workspace";

/**
 * Ships each edge host's authentication and audit logs to the workspace: the Azure Monitor Agent
 * extension on every VM, one Linux data collection rule for the syslog facilities of sshd/PAM and
 * auditd (see lib/monitoring/alertQueries.ts), and one association per VM. The agent also sends a heartbeat
 * to the workspace, which the silent-device alert watches. Independent of the security agent mode.
 */
export class HostAuditLogs extends pulumi.ComponentResource {
  readonly dataCollectionRuleId: pulumi.Output<string>;

  constructor(name: string, args: HostAuditLogsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-iot-edge:index:HostAuditLogs", name, {}, opts);
    const child = { parent: this };

    const rule = new monitor.DataCollectionRule(`${name}-dcr`, {
      resourceGroupName: args.resourceGroupName,
      dataCollectionRuleName: args.names.dataCollectionRule,
      location: args.workspaceLocation,
      kind: "Linux",
      description: "sshd/PAM authentication and auditd records from the IoT Edge hosts.",
      dataSources: {
        syslog: [{
          name: "host-audit",
          facilityNames: [...HOST_LOG_FACILITIES],
          logLevels: COLLECTED_LEVELS,
          streams: ["Microsoft-Syslog"],
        }],
      },
      destinations: {
        logAnalytics: [{ name: WORKSPACE_DESTINATION, workspaceResourceId: args.workspaceId }],
      },
      dataFlows: [{ streams: ["Microsoft-Syslog"], destinations: [WORKSPACE_DESTINATION] }],
      tags: args.tags,
    }, child);
    this.dataCollectionRuleId = rule.id;

    for (const vm of args.vms) {
      new compute.VirtualMachineExtension(`${name}-ama-${vm.key}`, {
        resourceGroupName: args.resourceGroupName,
        vmName: vm.name,
        vmExtensionName: "AzureMonitorLinuxAgent",
        location: args.location,
        publisher: "Microsoft.Azure.Monitor",
        type: "AzureMonitorLinuxAgent",
        // With both upgrade flags the platform installs and keeps the newest 1.x, so "1.0" never
        // pins an old agent; Microsoft's own samples use it the same way.
        typeHandlerVersion: "1.0",
        autoUpgradeMinorVersion: true,
        enableAutomaticUpgrade: true,
        tags: args.tags,
      }, child);

      new monitor.DataCollectionRuleAssociation(`${name}-dcra-${vm.key}`, {
        resourceUri: vm.id,
        // Association names are scoped to the VM, so the rule's own name is unique and traceable.
        associationName: args.names.dataCollectionRule,
        dataCollectionRuleId: rule.id,
        description: "Sends this edge host's auth and audit syslog to the stage's workspace.",
      }, child);
    }

    this.registerOutputs({ dataCollectionRuleId: this.dataCollectionRuleId });
  }
}
