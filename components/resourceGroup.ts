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
  /** `protect` on the suffix and the group: Pulumi refuses to delete or replace them. Default: false. */
  protect?: boolean;
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
  private readonly baseName: string;

  constructor(name: string, args: StageResourceGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-iot-edge:index:StageResourceGroup", name, {}, opts);
    this.baseName = name;

    // Globally unique names (hub, workspace) need a suffix; Azure also keeps some names reserved
    // for a while after deletion, so a re-created stack gets fresh ones.
    // No keepers: a change of them would replace the suffix, renaming (rebuilding) the whole stage.
    // A region change is refused on an existing stack instead (lib/config/dayTwo.ts).
    const suffix = new random.RandomString(`${name}-suffix`, { length: 6, special: false, upper: false, numeric: true }, { parent: this, protect: args.protect ?? false });
    this.names = suffix.result.apply((s) => resourceNames(args.stage, s));

    const group = new resources.ResourceGroup(name, {
      resourceGroupName: this.names.resourceGroup,
      location: args.location,
      tags: args.tags,
    }, { parent: this, protect: args.protect ?? false });
    this.resourceGroupName = group.name;
    this.resourceGroupId = group.id;

    this.registerOutputs({ resourceGroupName: this.resourceGroupName, resourceGroupId: this.resourceGroupId });
  }

  /**
   * The CanNotDelete lock, declared last: it depends on every other stage resource, so Pulumi
   * creates it after them and, on `pulumi destroy`, deletes it before any of them. Creating or
   * deleting it needs Microsoft.Authorization/locks/* (Owner or User Access Administrator).
   */
  lockAfter(resources: pulumi.Resource[]): authorization.ManagementLockAtResourceGroupLevel {
    return new authorization.ManagementLockAtResourceGroupLevel(`${this.baseName}-lock`, {
      resourceGroupName: this.resourceGroupName,
      lockName: this.names.lock,
      level: "CanNotDelete",
      notes: "Protects a production IoT Edge stage. Remove with `pulumi config set resourceGroupLock false && pulumi up` before `pulumi destroy`.",
    }, { parent: this, dependsOn: resources });
  }
}
