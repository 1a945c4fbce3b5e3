/**
 * What the Bastion host request may carry. Pure.
 *
 * @pulumi/azure-native 3.x fills eight feature flags with `false` when they are not set, also for
 * the Developer SKU, which supports none of them. Such a request was once reported to fail with
 * FeatureNotSupportedForDeveloperBastionSku (pulumi/pulumi-azure-native#4000; whether Azure still
 * refuses it is unconfirmed). Leaving the false flags out of a Developer request is what the portal
 * sends and cannot be wrong either way.
 */
export const BASTION_FEATURE_FLAGS = [
  "disableCopyPaste",
  "enableFileCopy",
  "enableIpConnect",
  "enableKerberos",
  "enablePrivateOnlyBastion",
  "enableSessionRecording",
  "enableShareableLink",
  "enableTunneling",
] as const;

/** A copy of the request's properties without the feature flags that are `false`. */
export function withoutFalseFeatureFlags(props: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(props).filter(([key, value]) => !((BASTION_FEATURE_FLAGS as readonly string[]).includes(key) && value === false)));
}
