/**
 * `npm run plan -- --stack <name> [--out <dir>] [--set key=value ...]`
 *
 * Evaluates the program under the Pulumi SDK's mock engine with the stack's own config file: no
 * Azure login, no Pulumi CLI, no network. Writes out/<stack>/ (plan.json, deployment.json,
 * cloud-init.yaml, routes.mmd, resources.mmd, cost.md) and prints a summary. What it shows is what
 * the program declares; Azure is never asked.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import * as path from "node:path";
import main from "../index";
import { formatErrors, PROJECT, validateConfig, type RawConfig } from "../lib/config/config";
import { todayUtc } from "../lib/config/agentModes";
import { existingStacks, missingStackMessage, parseSetArguments, parseStackFile, SetArgumentError, StackFileError } from "../lib/config/hints";
import { declareUnderMocks, maskedOutputs, revealSecrets, stackFileToRaw } from "../lib/plan/mockEngine";
import { estimateCost } from "../lib/plan/cost";
import { stackManifest } from "../lib/edge/fleet";
import { costInput, costMarkdown, maskCloudInit, planEntries, planSummary, resourcesMermaid, routesMermaid, stackBudget, stackIngestion } from "../lib/plan/report";

interface Args {
  stack: string;
  out?: string;
  set: string[];
  quiet: boolean;
  stats: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { stack: "", set: [], quiet: false, stats: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--stack") a.stack = argv[++i] ?? "";
    else if (arg === "--out") a.out = argv[++i];
    else if (arg === "--set") a.set.push(argv[++i] ?? "");
    else if (arg === "--quiet") a.quiet = true;
    else if (arg === "--stats") a.stats = true;
    else usage(`unknown argument ${JSON.stringify(arg)}`);
  }
  if (!a.stack) usage("--stack is required");
  return a;
}

/** The folder with Pulumi.yaml above `dir` (the plan runs from tools/ or from build/tools/). */
function projectRoot(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, "Pulumi.yaml"))) return d;
    if (path.dirname(d) === d) usage("no Pulumi.yaml above the plan tool");
  }
}

function usage(problem: string): never {
  console.error(`plan: ${problem}\nusage: npm run plan -- --stack <name> [--out <dir>] [--set key=value | --set 'key[0]=value' ...] [--quiet]`);
  process.exit(2);
}

async function run(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  // The SDK records a stack trace with every promise it creates, for leak reports the plan never
  // prints; at 1,000 devices formatting them was the largest single cost.
  Error.stackTraceLimit = 0;
  const root = projectRoot(__dirname);
  const file = path.join(root, `Pulumi.${args.stack}.yaml`);
  if (!existsSync(file)) {
    console.error(missingStackMessage(args.stack, path.relative(process.cwd(), file) || file, existingStacks(readdirSync(root))));
    return 2;
  }
  let stackConfig: Record<string, unknown>;
  try {
    stackConfig = parseStackFile(readFileSync(file, "utf8"), path.relative(process.cwd(), file) || file);
  } catch (e) {
    if (!(e instanceof StackFileError)) throw e;
    console.error(`plan: ${e.message}`);
    return 2;
  }
  // --set values are typed as `pulumi config set` would store them: plain strings, or JSON lists.
  let overrides: RawConfig;
  try {
    overrides = parseSetArguments(args.set, PROJECT);
  } catch (e) {
    if (e instanceof SetArgumentError) usage(e.message);
    throw e;
  }
  const raw: RawConfig = { ...stackFileToRaw(stackConfig), ...overrides };

  const validated = validateConfig(raw, args.stack, { today: todayUtc() });
  if (!validated.ok) {
    console.error(formatErrors(validated.errors));
    return 1;
  }
  const config = validated.config;
  const declared = await declareUnderMocks(main, args.stack, raw, { serializeDynamicProviders: false });

  const out = path.resolve(args.out ?? path.join(root, "out", args.stack));
  mkdirSync(out, { recursive: true });
  const manifest = stackManifest(config);
  const budget = stackBudget(config);
  const estimate = estimateCost(costInput(config, budget));
  const write = (name: string, text: string) => writeFileSync(path.join(out, name), text);

  write("plan.json", `${JSON.stringify({ stack: args.stack, engine: "pulumi mock engine (declared, not deployed)", resources: planEntries(declared.resources), outputs: maskedOutputs(declared) }, null, 2)}\n`);
  write("deployment.json", `${JSON.stringify(manifest, null, 2)}\n`);
  const vm = declared.resources.find((r) => r.type === "azure-native:compute:VirtualMachine");
  const customData = vm ? ((revealSecrets(vm.inputs) as { osProfile?: { customData?: string } }).osProfile?.customData ?? "") : "";
  write("cloud-init.yaml", customData
    ? maskCloudInit(Buffer.from(customData, "base64").toString("utf8"))
    : "# simulatedDevices is 0: no edge VM, so no cloud-init.\n");
  write("routes.mmd", routesMermaid(manifest, config));
  write("resources.mmd", resourcesMermaid(declared.resources));
  write("cost.md", costMarkdown(args.stack, estimate, budget, stackIngestion(config, budget)));

  if (!args.quiet) {
    console.log(planSummary({ stage: args.stack, resources: declared.resources, estimate, budget, warnings: declared.warnings, outDir: path.relative(process.cwd(), out) || "." }));
  }
  if (args.stats) console.log(JSON.stringify({ stats: { resources: declared.resources.length, maxRssKb: process.resourceUsage().maxRSS } }));
  return 0;
}

run().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
