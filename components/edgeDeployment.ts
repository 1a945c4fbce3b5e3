/**
 * IoT Edge deployments as Pulumi dynamic resources (CRUD in lib/iothub/providers.ts):
 * - `EdgeDeployment`: an at-scale deployment (IoT Hub configuration) for every device whose twin
 *   matches `targetCondition`; a content change creates a new configuration, then deletes the old.
 * - `EdgeDeviceContent`: one device's modules set directly, like the portal's "Set modules".
 */
import * as pulumi from "@pulumi/pulumi";
import type { ConfigurationContent } from "../lib/iothub/client";
import { hubInputs, type HubArgs } from "./hubConnection";
import { deploymentConfigurationId, edgeDeploymentProvider, edgeDeviceContentProvider } from "../lib/iothub/providers";

export interface EdgeDeploymentArgs extends HubArgs {
  /**
   * Base of the configuration id: lowercase letters, digits and '-', at most 119 characters. The id
   * is `<baseName>-<8 hex of the content hash>`, so a new content never collides with the old one.
   */
  readonly baseName: string;
  /** `{ modulesContent }`, e.g. from `buildManifest` (lib/edge/manifest.ts). A change replaces the deployment. */
  readonly content: pulumi.Input<ConfigurationContent>;
  /** Twin query selecting the devices, e.g. `tags.environment='dev'`. Updated in place. */
  readonly targetCondition: pulumi.Input<string>;
  /** Higher wins where deployments overlap. Updated in place. @default 10 */
  readonly priority?: pulumi.Input<number>;
  /** Labels shown in the portal. Updated in place. @default {} */
  readonly labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

const SECRET_OUTPUTS = ["hubKey"];

function secretOutputs(opts: pulumi.CustomResourceOptions | undefined): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...SECRET_OUTPUTS] };
}

export class EdgeDeployment extends pulumi.dynamic.Resource {
  // `declare`: the base constructor sets these; a class field would overwrite them with undefined.
  declare readonly configurationId: pulumi.Output<string>;
  declare readonly etag: pulumi.Output<string>;

  constructor(name: string, args: EdgeDeploymentArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      edgeDeploymentProvider,
      name,
      {
        ...hubInputs(args),
        configurationId: pulumi.output(args.content).apply((c) => deploymentConfigurationId(args.baseName, c)),
        content: args.content,
        targetCondition: args.targetCondition,
        priority: args.priority ?? 10,
        labels: args.labels ?? {},
        etag: undefined,
      },
      // Never delete first: the old deployment keeps the devices configured until the new one exists.
      secretOutputs({ ...opts, deleteBeforeReplace: false }),
    );
  }
}

export interface EdgeDeviceContentArgs extends HubArgs {
  /** The edge device to configure, e.g. `EdgeDevice.deviceId`. Changing it replaces the resource. */
  readonly deviceId: pulumi.Input<string>;
  /** `{ modulesContent }`; a change re-applies it in place. */
  readonly content: pulumi.Input<ConfigurationContent>;
  /** The device's `generationId` (`EdgeDevice.generationId`): when it changes, the content is applied again. */
  readonly deviceGenerationId?: pulumi.Input<string>;
}

export class EdgeDeviceContent extends pulumi.dynamic.Resource {
  declare readonly contentHash: pulumi.Output<string>;

  constructor(name: string, args: EdgeDeviceContentArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      edgeDeviceContentProvider,
      name,
      {
        ...hubInputs(args),
        deviceId: args.deviceId,
        content: args.content,
        deviceGenerationId: args.deviceGenerationId,
        contentHash: undefined,
        appliedGenerationId: undefined,
      },
      secretOutputs(opts),
    );
  }
}
