import * as pulumi from "@pulumi/pulumi";
import * as iothub from "@pulumi/azure-native/iothub";
import * as monitor from "@pulumi/azure-native/monitor";
import type { HubSku } from "../lib/config/config";

export interface SecuredIotHubArgs {
  resourceGroupName: pulumi.Input<string>;
  /** Globally unique hub name (iot-...). */
  hubName: pulumi.Input<string>;
  location: string;
  /** F1 or S1-S3: Defender for IoT and IoT Edge need device twins, which Basic tiers lack. */
  sku: HubSku;
  /** Units: 1 for F1. */
  units: number;
  /** Workspace that receives all hub logs and metrics. */
  workspaceId: pulumi.Input<string>;
  tags: Record<string, string>;
  /**
   * Shared access policies to add to the hub's default ones (e.g. the DPS link's). Declaring any
   * policy makes the list explicit, so the defaults are declared with it and kept. Default: none.
   */
  extraAccessPolicies?: { keyName: string; rights: iothub.AccessRights }[];
}

/** The policies Azure creates on a new hub; an explicit list must repeat them or they are removed. */
export const DEFAULT_HUB_ACCESS_POLICIES: { keyName: string; rights: iothub.AccessRights }[] = [
  { keyName: "iothubowner", rights: "RegistryWrite, ServiceConnect, DeviceConnect" },
  { keyName: "service", rights: "ServiceConnect" },
  { keyName: "device", rights: "DeviceConnect" },
  { keyName: "registryRead", rights: "RegistryRead" },
  { keyName: "registryReadWrite", rights: "RegistryWrite" },
];

/**
 * An IoT Hub that accepts TLS 1.2 only, keeps the built-in fallback route, and sends every log
 * category and metric to the workspace.
 */
export class SecuredIotHub extends pulumi.ComponentResource {
  readonly hubId: pulumi.Output<string>;
  readonly hubName: pulumi.Output<string>;
  /** <name>.azure-devices.net, what devices and the data-plane client connect to. */
  readonly hostName: pulumi.Output<string>;
  /**
   * The iothubowner policy's primary key, a secret: the data-plane resources (device identities,
   * deployments) sign their requests with it. The SDK does not mark this result secret by itself.
   */
  readonly ownerKey: pulumi.Output<string>;

  constructor(name: string, args: SecuredIotHubArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-iot-edge:index:SecuredIotHub", name, {}, opts);

    const hub = new iothub.IotHubResource(name, {
      resourceGroupName: args.resourceGroupName,
      resourceName: args.hubName,
      location: args.location,
      sku: { name: args.sku, capacity: args.units },
      properties: {
        minTlsVersion: "1.2",
        ...(args.extraAccessPolicies?.length ? { authorizationPolicies: [...DEFAULT_HUB_ACCESS_POLICIES, ...args.extraAccessPolicies] } : {}),
        routing: {
          // Without routes of our own, the fallback route keeps device messages (including the
          // security agent's) flowing to the built-in endpoint that Defender for IoT reads.
          fallbackRoute: {
            name: "$fallback",
            source: "DeviceMessages",
            condition: "true",
            endpointNames: ["events"],
            isEnabled: true,
          },
        },
      },
      tags: args.tags,
    }, { parent: this });

    new monitor.DiagnosticSetting(`${name}-diagnostics`, {
      name: "to-log-analytics",
      resourceUri: hub.id,
      workspaceId: args.workspaceId,
      logs: [{ categoryGroup: "allLogs", enabled: true }],
      metrics: [{ category: "AllMetrics", enabled: true }],
    }, { parent: this });

    this.hubId = hub.id;
    this.hubName = hub.name;
    this.hostName = hub.properties.apply((p) => p.hostName ?? "");
    const keys = iothub.listIotHubResourceKeysForKeyNameOutput({
      keyName: "iothubowner",
      resourceGroupName: args.resourceGroupName,
      resourceName: hub.name,
    }, { parent: this });
    this.ownerKey = pulumi.secret(keys.apply((k) => k.primaryKey ?? ""));
    this.registerOutputs({ hubId: this.hubId, hubName: this.hubName, hostName: this.hostName });
  }
}
