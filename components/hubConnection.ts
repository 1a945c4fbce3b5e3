import * as pulumi from "@pulumi/pulumi";
import { DATA_PLANE_POLICY, type DataPlaneAuth } from "../lib/iothub/access";

/** How a data-plane resource reaches its hub. */
export interface HubArgs {
  /** The hub's host name. Changing it replaces the resource. */
  readonly hubHostName: pulumi.Input<string>;
  /** sas: sign with `keyName`'s key; entra: the provider gets a Microsoft Entra token itself, no key. @default "sas" */
  readonly dataPlaneAuth?: DataPlaneAuth;
  /** Key of the shared access policy `keyName` (sas only); wrapped as a secret here. */
  readonly hubKey?: pulumi.Input<string>;
  /** @default "pulumi-dataplane", the program's least-privilege policy (lib/iothub/access.ts) */
  readonly keyName?: pulumi.Input<string>;
  /** The hub's tier and units, so requests are paced below its throttles. */
  readonly hubSku?: string;
  readonly hubUnits?: number;
  /** Retry budget of one call, in minutes. @default 15 */
  readonly retryMinutes?: number;
}

/** The hub connection every data-plane resource carries; the key only ever as a secret, and none in entra mode. */
export function hubInputs(args: HubArgs): Record<string, pulumi.Input<string | number> | undefined> {
  const common = {
    hubHostName: args.hubHostName,
    hubSku: args.hubSku,
    hubUnits: args.hubUnits,
    retryMinutes: args.retryMinutes,
  };
  if (args.dataPlaneAuth === "entra") return { ...common, dataPlaneAuth: "entra" };
  if (args.hubKey === undefined) throw new Error("a data-plane resource in sas mode needs hubKey (or use dataPlaneAuth: entra)");
  return { ...common, dataPlaneAuth: "sas", hubKey: pulumi.secret(args.hubKey), keyName: args.keyName ?? DATA_PLANE_POLICY };
}
