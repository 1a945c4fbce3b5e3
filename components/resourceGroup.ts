import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as resources from "@pulumi/azure-native/resources";
import * as authorization from "@pulumi/azure-native/authorization";
import { resourceNames, type Names } from "../lib/config/naming";

export interface StageResourceGroupArgs {
  /** Stage (the stack name), part of every resource name. */
  stage: string;
  /** Azure region of the group. */
  location: string;
  /** Tags for the group. */
  tags: Record<string, string>;
  /**
   * Put a CanNotDelete lock on the group. Default: false. A locked group cannot be destroyed
   * until the lock is removed (see the README's teardown section).
   */
  lock?: boolean;
}

/**
 * The stage's resource group, its random name suffix and, optionally, a delete lock. Everything
 * the stack creates lives in this group, so teardown leaves nothing behind.
 */
export class StageResourceGroup extends pulumi.ComponentResource {
  /** All resource names for the stage, derived from the suffix (stable in state). */
  readonly names: pulumi.Output<Names>;
  readonly resourceGroupName: pulumi.Output<string>;
  readonly resourceGroupId: pulumi.Output<string>;

  constructor(name: string, args: StageResourceGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-iot-edge:index:StageResourceGroup", name, {}, opts);

    // Globally unique names (hub, workspace) need a suffix; Azure also keeps some names reserved
    // for a while after deletion, so a re-created stack gets fresh ones.
    const suffix = new random.RandomString(`${name}-suffix`, { length: 6, special: false, upper: false, numeric: true }, { parent: this });
    this.names = suffix.result.apply((s) => resourceNames(args.stage, s));

    const group = new resources.ResourceGroup(name, {
      resourceGroupName: this.names.resourceGroup,
      location: args.location,
      tags: args.tags,
    }, { parent: this });
    this.resourceGroupName = group.name;
    this.resourceGroupId = group.id;

    if (args.lock) {
      new authorization.ManagementLockAtResourceGroupLevel(`${name}-lock`, {
        resourceGroupName: group.name,
        lockName: this.names.lock,
        level: "CanNotDelete",
        notes: "Protects a production IoT Edge stage. Remove with `pulumi config set resourceGroupLock false && pulumi up` before `pulumi destroy`.",
      }, { parent: this });
    }

    this.registerOutputs({ resourceGroupName: this.resourceGroupName, resourceGroupId: this.resourceGroupId });
  }
}
