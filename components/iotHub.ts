import * as pulumi from "@pulumi/pulumi";
import * as iothub from "@pulumi/azure-native/iothub";
import * as monitor from "@pulumi/azure-native/monitor";
import type { HubSku } from "../lib/config/config";
import { DATA_PLANE_POLICY, hubAuthorizationPolicies, hubLocalAuthDisabled, type DataPlaneAuth } from "../lib/iothub/access";

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
  /** `protect`: Pulumi refuses to delete or replace it (a `protect` config key). Default: false. */
  protect?: boolean;
  /** The stage (stack name): local auth is switched off only in prod. */
  stage: string;
  /**
   * sas: the program's data-plane resources sign with the dedicated `pulumi-dataplane` policy
   * (RegistryRead, RegistryWrite, ServiceConnect). entra: no hub key is listed or stored, and in
   * prod `disableLocalAuth` is on unless `localAuthNeeded`. @default "sas"
   */
  dataPlaneAuth?: DataPlaneAuth;
  /**
   * Something other than this program needs the hub's shared access policies, e.g. a Device
   * Provisioning Service linked through a policy's connection string: local auth stays on. @default false
   */
  localAuthNeeded?: boolean;
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
   * sas mode: the primary key of the program's own policy (`dataPlaneKeyName`), a secret: the
   * data-plane resources sign their requests with it. The SDK does not mark this result secret by
   * itself. Undefined in entra mode, where no hub key is read at all.
   */
  readonly dataPlaneKey: pulumi.Output<string> | undefined;
  /** The policy `dataPlaneKey` belongs to. */
  readonly dataPlaneKeyName: string;
  /** Whether the hub refuses SAS with hub-level policies (entra mode in prod). */
  readonly localAuthDisabled: boolean;

  constructor(name: string, args: SecuredIotHubArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-iot-edge:index:SecuredIotHub", name, {}, opts);
    const mode = args.dataPlaneAuth ?? "sas";
    this.localAuthDisabled = hubLocalAuthDisabled({ stage: args.stage, mode, localAuthNeeded: args.localAuthNeeded ?? false });
    this.dataPlaneKeyName = DATA_PLANE_POLICY;

    const hub = new iothub.IotHubResource(name, {
      resourceGroupName: args.resourceGroupName,
      resourceName: args.hubName,
      location: args.location,
      sku: { name: args.sku, capacity: args.units },
      properties: {
        minTlsVersion: "1.2",
        // The built-in policies are declared too: this array replaces the hub's whole list.
        authorizationPolicies: [...hubAuthorizationPolicies(mode), ...(args.extraAccessPolicies ?? [])],
        disableLocalAuth: this.localAuthDisabled,
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
    }, { parent: this, protect: args.protect ?? false });

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
    if (mode === "sas") {
      // Read after the hub's create or update (hub.name resolves then), so on an existing hub the
      // policy this update adds exists. A preview of that first update runs before it exists:
      // there, and only in preview, the key reads as empty (the preview shows the key changing).
      this.dataPlaneKey = pulumi.secret(pulumi.all([args.resourceGroupName, hub.name]).apply(async ([resourceGroupName, resourceName]) => {
        try {
          const keys = await iothub.listIotHubResourceKeysForKeyName({ keyName: DATA_PLANE_POLICY, resourceGroupName, resourceName }, { parent: this });
          return keys.primaryKey ?? "";
        } catch (err) {
          if (pulumi.runtime.isDryRun()) return "";
          throw err;
        }
      }));
    } else {
      this.dataPlaneKey = undefined;
    }
    this.registerOutputs({ hubId: this.hubId, hubName: this.hubName, hostName: this.hostName });
  }
}
