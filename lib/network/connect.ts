/** Azure portal deep links for stack outputs. Pure. */
export function portalLink(resourceId: string, blade = "overview"): string {
  return `https://portal.azure.com/#@/resource${resourceId}/${blade}`;
}

/** How to reach an edge VM through Bastion, as a user would type or click it. */
export function connectHint(a: { bastionSku: string; bastionName: string; resourceGroup: string; vmId: string; adminUsername: string; deviceId: string }): string {
  const key = `${a.deviceId}.pem`;
  if (a.bastionSku === "Standard" || a.bastionSku === "Premium") {
    return `az network bastion ssh --name ${a.bastionName} --resource-group ${a.resourceGroup} --target-resource-id ${a.vmId} --auth-type ssh-key --username ${a.adminUsername} --ssh-key ${key}`;
  }
  return `Portal: ${portalLink(a.vmId)} > Connect > Bastion; user ${a.adminUsername}, SSH Private Key from Local File: ${key}`;
}
