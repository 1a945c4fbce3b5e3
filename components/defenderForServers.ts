import * as pulumi from "@pulumi/pulumi";
import * as security from "@pulumi/azure-native/security";

export interface DefenderForServersArgs {
  /** Required. Resource group of the continuous-export automation. */
  resourceGroupName: pulumi.Input<string>;
  /** Required. Resource id of that resource group: the export's scope (the stack's alerts). */
  resourceGroupId: pulumi.Input<string>;
  /** Required. Region of the automation resource. */
  location: string;
  /** Required. Log Analytics workspace that receives the alerts (the one the alert rules query). */
  workspaceId: pulumi.Input<string>;
  /** Required. Name of the automation (`Names.securityExport`). */
  automationName: pulumi.Input<string>;
  /** Required. The edge VMs, each by a stable key (its device id) and resource id. */
  vms: { key: string; id: pulumi.Input<string> }[];
  /** Required. Tags for the automation (pricings take none). */
  tags: Record<string, string>;
}

/**
 * Defender for Servers Plan 1 on each edge VM and continuous export of the resource group's
 * Defender alerts into the workspace, where the Defender alert rule reads them from SecurityAlert.
 *
 * Unconfirmed (see docs/security-monitoring.md): whether Plan 1 at the VM scope alone makes
 * Defender for Cloud deploy the MDE.Linux extension automatically, and the price (about $5 per
 * server and month after a 30-day trial). Nothing here is installed by the provisioning script.
 */
export class DefenderForServers extends pulumi.ComponentResource {
  /** Pricing ids by VM key. */
  readonly pricingIds: Record<string, pulumi.Output<string>>;
  readonly exportId: pulumi.Output<string>;

  constructor(name: string, args: DefenderForServersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-iot-edge:index:DefenderForServers", name, {}, opts);
    const child = { parent: this };

    this.pricingIds = {};
    for (const vm of args.vms) {
      // Microsoft.Security/pricings at the VM's scope (API 2024-01-01): the resource scope accepts
      // only the P1 sub-plan, and the name must be "virtualMachines".
      const pricing = new security.Pricing(`${name}-${vm.key}`, {
        scopeId: vm.id,
        pricingName: "virtualMachines",
        pricingTier: "Standard",
        subPlan: "P1",
      }, child);
      this.pricingIds[vm.key] = pricing.id;
    }

    // Continuous export: every Defender alert raised in the stack's resource group is written to
    // the workspace's SecurityAlert table. No rule set means all alerts of the scope.
    const automation = new security.Automation(`${name}-export`, {
      resourceGroupName: args.resourceGroupName,
      automationName: args.automationName,
      location: args.location,
      description: "Continuous export of this stack's Defender for Cloud alerts to its Log Analytics workspace",
      isEnabled: true,
      scopes: [{ description: "the stack's resource group", scopePath: args.resourceGroupId }],
      sources: [{ eventSource: "Alerts" }],
      actions: [{ actionType: "Workspace", workspaceResourceId: args.workspaceId }],
      tags: args.tags,
    }, child);
    this.exportId = automation.id;

    this.registerOutputs({ pricingIds: this.pricingIds, exportId: this.exportId });
  }
}
