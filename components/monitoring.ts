import * as pulumi from "@pulumi/pulumi";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";

export interface LogWorkspaceArgs {
  resourceGroupName: pulumi.Input<string>;
  /** Workspace name (log-...). */
  workspaceName: pulumi.Input<string>;
  /** Region; must be one Defender for IoT supports (validated in config). */
  location: string;
  /** Retention in days, 30-730. */
  retentionDays: number;
  /** Daily ingestion cap in GB. Default: no cap. Trials must set one (config enforces it). */
  dailyCapGb?: number;
  tags: Record<string, string>;
  /** `protect`: Pulumi refuses to delete or replace it (a `protect` config key). Default: false. */
  protect?: boolean;
}

/** The Log Analytics workspace that receives Defender for IoT data, hub diagnostics and host logs. */
export class LogWorkspace extends pulumi.ComponentResource {
  /** ARM resource id, used by the security solution, diagnostics and alert rules. */
  readonly workspaceId: pulumi.Output<string>;
  /** The workspace GUID (customerId), used by log queries and agents. */
  readonly customerId: pulumi.Output<string>;
  readonly workspaceName: pulumi.Output<string>;

  constructor(name: string, args: LogWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-iot-edge:index:LogWorkspace", name, {}, opts);
    const workspace = new operationalinsights.Workspace(name, {
      resourceGroupName: args.resourceGroupName,
      workspaceName: args.workspaceName,
      location: args.location,
      sku: { name: "PerGB2018" },
      retentionInDays: args.retentionDays,
      workspaceCapping: args.dailyCapGb === undefined ? undefined : { dailyQuotaGb: args.dailyCapGb },
      tags: args.tags,
    }, { parent: this, protect: args.protect ?? false });
    this.workspaceId = workspace.id;
    this.customerId = workspace.customerId;
    this.workspaceName = workspace.name;
    this.registerOutputs({ workspaceId: this.workspaceId, customerId: this.customerId });
  }
}
