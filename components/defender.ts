import * as pulumi from "@pulumi/pulumi";
import * as security from "@pulumi/azure-native/security";
import { RECOMMENDATION_TYPES, type RecommendationType } from "../lib/config/config";

export interface DefenderForIotArgs {
  resourceGroupName: pulumi.Input<string>;
  solutionName: pulumi.Input<string>;
  /** The hub's region. */
  location: string;
  /** Resource id of the IoT Hub to protect. */
  hubId: pulumi.Input<string>;
  /** Resource id of the Log Analytics workspace that receives alerts, recommendations and raw events. */
  workspaceId: pulumi.Input<string>;
  /** Recommendation types to turn off. Default: none (all enabled). */
  disabledRecommendations?: RecommendationType[];
  tags: Record<string, string>;
}

/** Pure: every recommendation type with its status, in a fixed order. */
export function recommendationsConfiguration(disabled: readonly string[]): { recommendationType: RecommendationType; status: "Enabled" | "Disabled" }[] {
  return RECOMMENDATION_TYPES.map((t) => ({ recommendationType: t, status: disabled.includes(t) ? "Disabled" : "Enabled" }));
}

/** The Defender for IoT security solution that joins the hub and the workspace. */
export class DefenderForIot extends pulumi.ComponentResource {
  readonly solutionId: pulumi.Output<string>;

  constructor(name: string, args: DefenderForIotArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-iot-edge:index:DefenderForIot", name, {}, opts);
    const solution = new security.IotSecuritySolution(name, {
      resourceGroupName: args.resourceGroupName,
      solutionName: args.solutionName,
      displayName: args.solutionName,
      location: args.location,
      iotHubs: [args.hubId],
      workspace: args.workspaceId,
      status: "Enabled",
      export: ["RawEvents"],
      recommendationsConfiguration: recommendationsConfiguration(args.disabledRecommendations ?? []),
      // Unmasked IPs would put device addresses in the workspace; keep them masked.
      unmaskedIpLoggingStatus: "Disabled",
      tags: args.tags,
    }, { parent: this });
    this.solutionId = solution.id;
    this.registerOutputs({ solutionId: this.solutionId });
  }
}
