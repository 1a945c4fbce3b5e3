/**
 * What `npm run plan` writes, as pure functions of the declared resources and the stack config:
 * the resource listing, the Mermaid diagrams, the cost and message budget, and the summary.
 */
import type { StackConfig } from "../config/config";
import { messageBudget, type BudgetResult } from "./budget";
import { securityStreams } from "../edge/agentStreams";
import type { CostEstimate, CostInput } from "./cost";
import { INGESTION_ASSUMPTIONS_AS_OF, workspaceIngestion, type IngestionEstimate } from "./ingestion";
import type { Manifest } from "../edge/manifest";
import { manifestRoutes, MICRO_AGENT_MODULE } from "../edge/manifest";
import { parseRoute, routeText } from "../edge/routes";
import { maskSecrets, SECRET_MARKER, type DeclaredResource } from "./mockEngine";
import { fleetTargeting, manifestOptions } from "../edge/fleet";

const STACK_TYPE = "pulumi:pulumi:Stack";

export interface PlanEntry {
  type: string;
  name: string;
  parent?: string;
  inputs: unknown;
}

/** Every declared resource with secrets masked; a dynamic provider's serialized code is elided. */
export function planEntries(resources: DeclaredResource[]): PlanEntry[] {
  return resources
    .filter((r) => r.type !== STACK_TYPE)
    .map((r) => {
      const inputs = maskSecrets(r.inputs) as Record<string, unknown>;
      if ("__provider" in inputs) inputs.__provider = "[serialized dynamic provider]";
      return { type: r.type, name: r.name, parent: r.parent, inputs };
    });
}

/** Resources per component (the direct parent), sorted by component. */
export function resourcesPerComponent(resources: DeclaredResource[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const r of resources) {
    if (r.type === STACK_TYPE || !r.custom) continue;
    const parent = r.parent ?? "(stack)";
    counts.set(parent, (counts.get(parent) ?? 0) + 1);
  }
  return [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
}

const nodeId = (s: string) => `n_${s.replace(/[^A-Za-z0-9]/g, "_")}`;
const label = (s: string) => s.replace(/"/g, "'");

/** The component and resource tree as a Mermaid flowchart; fleets are folded per type. */
export function resourcesMermaid(resources: DeclaredResource[], foldAbove = 6): string {
  const lines = ["flowchart LR"];
  const children = new Map<string, DeclaredResource[]>();
  for (const r of resources) {
    if (r.type === STACK_TYPE) continue;
    const p = r.parent ?? "stack";
    children.set(p, [...(children.get(p) ?? []), r]);
  }
  lines.push(`  stack(["stack"])`);
  const walk = (parentKey: string, parentNode: string) => {
    const kids = children.get(parentKey) ?? [];
    const byType = new Map<string, DeclaredResource[]>();
    for (const k of kids) byType.set(k.type, [...(byType.get(k.type) ?? []), k]);
    for (const [type, group] of byType) {
      const short = type.split(":").pop() ?? type;
      if (group.length > foldAbove) {
        const id = nodeId(`${parentKey}::${type}`);
        lines.push(`  ${id}["${label(short)} x ${group.length}"]`, `  ${parentNode} --> ${id}`);
        continue;
      }
      for (const k of group) {
        const key = `${k.type}::${k.name}`;
        const id = nodeId(key);
        const shape = k.custom ? `["${label(short)}<br/>${label(k.name)}"]` : `[["${label(short)}<br/>${label(k.name)}"]]`;
        lines.push(`  ${id}${shape}`, `  ${parentNode} --> ${id}`);
        walk(key, id);
      }
    }
  };
  walk("stack", "stack");
  return `${lines.join("\n")}\n`;
}

/** Modules and routes of the deployment as a Mermaid flowchart, like the blog's route diagram. */
export function routesMermaid(manifest: Manifest, config: StackConfig): string {
  const desired = (manifest.modulesContent.$edgeAgent as Record<string, { modules?: Record<string, unknown> }>)["properties.desired"];
  const modules = Object.keys(desired.modules ?? {}).sort();
  const lines = ["flowchart LR", `  subgraph device["edge device (${config.fleet.devices.length} in the fleet)"]`, `    edgeHub(["edgeHub"])`];
  for (const m of modules) lines.push(`    ${nodeId(m)}["${label(m)}"]`);
  if (config.agent.mode === "micro-agent") lines.push(`    microagent["${MICRO_AGENT_MODULE}<br/>(host package)"]`);
  lines.push("  end", `  upstream[("IoT Hub<br/>$upstream")]`, `  defender[["Defender for IoT<br/>workspace"]]`, "  upstream --> defender");
  const routes = manifestRoutes(manifestOptions(config));
  for (const [name, entry] of Object.entries(routes).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const parsed = parseRoute(routeText(entry));
    const from = parsed.source.kind === "module" ? nodeId(parsed.source.module) : "edgeHub";
    const to = parsed.sink.kind === "upstream" ? "upstream" : nodeId(parsed.sink.module);
    lines.push(`  ${from} -- "${label(name)}" --> edgeHub`, `  edgeHub -- "${label(name)}" --> ${to}`);
  }
  if (config.agent.mode === "micro-agent") lines.push(`  microagent -- "security messages (direct, not routed)" --> upstream`);
  lines.push(`  %% target condition: ${fleetTargeting(config.project, config.stage).targetCondition}`);
  return `${lines.join("\n")}\n`;
}

/** What the stack writes into its workspace a day, by source (./ingestion). */
export function stackIngestion(config: StackConfig, budget: BudgetResult): IngestionEstimate {
  return workspaceIngestion({
    vms: config.fleet.simulated.length,
    devices: config.fleet.devices.length,
    agentBytesPerDay: budget.ingestion.bytesPerDay,
    // components/defender.ts exports RawEvents whenever the solution exists.
    rawEventsExported: true,
  });
}

/** Cost input for the stack's config, the workspace ingestion from every source it has. */
export function costInput(config: StackConfig, budget: BudgetResult): CostInput {
  return {
    region: config.workspace.region,
    hub: config.hub,
    workspace: { retentionDays: config.workspace.retentionDays, dailyCapGb: config.workspace.dailyCapGb, ingestionGbPerDay: stackIngestion(config, budget).gbPerDay },
    bastion: { sku: config.bastion.sku, scaleUnits: config.bastion.scaleUnits },
    vms: {
      count: config.fleet.simulated.length,
      size: config.vm.size,
      autoShutdown: config.vm.autoShutdown ? { time: config.vm.autoShutdown.time } : undefined,
    },
    defenderDevices: config.agent.mode === "none" ? 0 : config.fleet.devices.length,
    defenderServers: config.agent.mode === "defender-for-servers" ? config.fleet.simulated.length : 0,
    ...(config.provisioning.mode === "dps" ? { dps: { devices: config.fleet.devices.length } } : {}),
  };
}

export function stackBudget(config: StackConfig): BudgetResult {
  return messageBudget({ hub: config.hub, devices: config.fleet.devices.length, streams: securityStreams(config.agent) });
}

const usd = (n: number) => `$${n.toFixed(2)}`;
const int = (n: number) => Math.round(n).toLocaleString("en-US");
const pct = (n: number) => `${(n * 100).toFixed(1)} %`;

export function costMarkdown(stage: string, estimate: CostEstimate, budget: BudgetResult, ingestion: IngestionEstimate): string {
  const rows = estimate.lines.map((l) => `| ${l.component} | ${l.item} | ${usd(l.monthlyUsd)} | ${usd(l.dailyUsd)} | ${l.confirmed ? "yes" : "no"} |`);
  const streams = budget.streams.map((s) => `| ${s.name} | ${int(s.messagesPerDay)} | ${s.chunksPerMessage} | ${int(s.meteredPerDay)} | ${(s.bytesPerDay / 1e6).toFixed(1)} MB |`);
  return [
    `# Cost and message budget: ${stage}`,
    "",
    `Estimated from ${estimate.priceRegion} list prices in the repository (lib/plan/prices.ts); not a quote. Nothing here was read from Azure.${estimate.priceRegionMatches ? "" : " **These are not this stack's region's prices** (see the assumptions)."}`,
    "",
    "| component | item | per month | per day | price confirmed |",
    "| --- | --- | ---: | ---: | --- |",
    ...rows,
    `| **total** | | **${usd(estimate.monthlyUsd)}** | **${usd(estimate.dailyUsd)}** | |`,
    "",
    worstCaseText(estimate),
    "",
    `## Workspace ingestion by source (assumptions as of ${INGESTION_ASSUMPTIONS_AS_OF})`,
    "",
    "| source | MB/day | basis |",
    "| --- | ---: | --- |",
    ...ingestion.sources.map((x) => `| ${x.source} | ${(x.gbPerDay * 1000).toFixed(1)} | ${x.basis} |`),
    `| **total** | **${(ingestion.gbPerDay * 1000).toFixed(1)}** | |`,
    "",
    "## Message budget (per device, security agent)",
    "",
    "| stream | messages/day | 4 KB chunks/message | metered/day | volume/day |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...(streams.length > 0 ? streams : ["| (no security agent) | 0 | 0 | 0 | 0 MB |"]),
    "",
    `All devices: **${int(budget.meteredPerDay)}** metered messages a day of a quota of ${int(budget.quotaPerDay)} (**${pct(budget.share)}**); about ${(budget.ingestion.gbPerDay * 1000).toFixed(1)} MB a day into the workspace.`,
    ...(budget.level !== "ok" ? ["", `**${budget.level}:** ${budget.message}`] : []),
    "",
    "## Assumptions",
    "",
    ...estimate.assumptions.map((a) => `- ${a}`),
    "",
  ].join("\n");
}

export interface PlanSummaryInput {
  stage: string;
  resources: DeclaredResource[];
  estimate: CostEstimate;
  budget: BudgetResult;
  warnings: string[];
  outDir: string;
}

export function planSummary(s: PlanSummaryInput): string {
  const perComponent = resourcesPerComponent(s.resources);
  const total = perComponent.reduce((n, [, c]) => n + c, 0);
  const unconfirmed = s.estimate.lines.filter((l) => !l.confirmed).length;
  return [
    `Plan for stack "${s.stage}" (Pulumi mock engine: what the program declares; nothing was sent to Azure)`,
    "",
    `Resources: ${total}`,
    ...perComponent.map(([c, n]) => `  ${String(n).padStart(5)}  ${c.replace(/^secure-iot-edge:index:/, "")}`),
    "",
    `Cost: ${usd(s.estimate.monthlyUsd)} a month, ${usd(s.estimate.dailyUsd)} a day${unconfirmed > 0 ? ` (${unconfirmed} line(s) use unconfirmed prices; see cost.md)` : ""}`,
    `  ${worstCaseText(s.estimate)}`,
    ...(s.estimate.priceRegionMatches ? [] : [`  Prices are ${s.estimate.priceRegion} list prices, not this stack's region's; see cost.md.`]),
    `Messages: ${int(s.budget.meteredPerDay)} metered a day, ${pct(s.budget.share)} of the hub's daily quota of ${int(s.budget.quotaPerDay)}`,
    ...(s.warnings.length > 0 ? ["", "Warnings:", ...s.warnings.map((w) => `  - ${w}`)] : []),
    "",
    `Written to ${s.outDir}: plan.json, deployment.json, cloud-init.yaml, routes.mmd, resources.mmd, cost.md`,
    "",
  ].join("\n");
}

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]*?-----END \1-----/g;

/** Replaces certificate and key PEM blocks and shared access keys with the secret marker. */
export function maskCloudInit(text: string): string {
  return text.replace(PEM_BLOCK, SECRET_MARKER).replace(/SharedAccessKey=[^\s"';]+/g, `SharedAccessKey=${SECRET_MARKER}`);
}

/** The bound the daily cap puts on the month, or plainly that there is none. */
export function worstCaseText(estimate: CostEstimate): string {
  if (estimate.worstCase === undefined) return "Workspace ingestion is uncapped: no daily cap bounds this stack's cost.";
  return `Worst case with ingestion at the workspace's daily cap (${estimate.worstCase.dailyCapGb} GB) every day: ${usd(estimate.worstCase.monthlyUsd)} a month.`;
}
