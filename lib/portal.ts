/** Azure portal deep links for stack outputs. Pure. */
export function portalLink(resourceId: string, blade = "overview"): string {
  return `https://portal.azure.com/#@/resource${resourceId}/${blade}`;
}
