import * as pulumi from "@pulumi/pulumi";

/** How a data-plane resource reaches its hub. */
export interface HubArgs {
  /** The hub's host name. Changing it replaces the resource. */
  readonly hubHostName: pulumi.Input<string>;
  /** Key of the shared access policy `keyName`; wrapped as a secret here. */
  readonly hubKey: pulumi.Input<string>;
  /** @default "iothubowner" */
  readonly keyName?: pulumi.Input<string>;
}

/** The hub connection every data-plane resource carries; the key only ever as a secret. */
export function hubInputs(args: HubArgs): { hubHostName: pulumi.Input<string>; hubKey: pulumi.Output<string>; keyName: pulumi.Input<string> } {
  return { hubHostName: args.hubHostName, hubKey: pulumi.secret(args.hubKey), keyName: args.keyName ?? "iothubowner" };
}
