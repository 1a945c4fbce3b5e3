/**
 * Trial stacks: which local stacks have passed their `expiresOn` date, and the commands that tear
 * each one down. Pure: the caller reads the files and passes today's date, so the answer depends
 * on nothing else. Nothing here runs a command.
 */
import { PROJECT } from "../../lib/config/config";
import { isCalendarDate } from "../../lib/config/dates";

export { isCalendarDate };

/** One stack file: the stack's name and the file's `config` section as parsed YAML. */
export interface StackFile {
  stack: string;
  config: Record<string, unknown>;
}

export interface ExpiredStack {
  stack: string;
  expiresOn: string;
  /** The stack sets resourceGroupLock: its CanNotDelete lock must go before destroy can. */
  locked: boolean;
  /** Shell commands, in order. */
  commands: string[];
}

export interface ExpiryReport {
  expired: ExpiredStack[];
  /** Trial stacks whose last day is today or later. */
  running: { stack: string; expiresOn: string }[];
  /** Stacks whose expiresOn cannot be read as a date; they are neither expired nor running. */
  problems: string[];
}

const STACK_FILE = /^Pulumi\.([A-Za-z0-9_.-]+)\.yaml$/;

/** The stack a file belongs to (Pulumi.<stack>.yaml), or undefined for any other file. */
export function stackNameFromFile(fileName: string): string | undefined {
  return STACK_FILE.exec(fileName)?.[1];
}

function setting(config: Record<string, unknown>, key: string): unknown {
  return config[`${PROJECT}:${key}`] ?? config[key];
}

/**
 * Commands that tear a stack down. A locked group refuses deletion, so the lock is first removed
 * through the program itself (config + up), which also keeps the state in step.
 */
export function teardownCommands(stack: string, locked: boolean): string[] {
  const destroy = `pulumi destroy --stack ${stack}`;
  if (!locked) return [destroy];
  return [`pulumi config set ${PROJECT}:resourceGroupLock false --stack ${stack} && pulumi up --stack ${stack}`, destroy];
}

/**
 * Sorts the stacks into expired, running and unreadable. `expiresOn` is the trial's last day: a
 * stack is expired from the day after it. Stacks without expiresOn are not trials and are left out.
 */
export function findExpired(files: readonly StackFile[], today: string): ExpiryReport {
  if (!isCalendarDate(today)) throw new RangeError(`today ${JSON.stringify(today)}: allowed: a calendar date YYYY-MM-DD`);
  const report: ExpiryReport = { expired: [], running: [], problems: [] };
  for (const { stack, config } of [...files].sort((a, b) => (a.stack < b.stack ? -1 : a.stack > b.stack ? 1 : 0))) {
    const raw = setting(config, "expiresOn");
    if (raw === undefined || raw === "") continue;
    if (typeof raw !== "string" || !isCalendarDate(raw)) {
      report.problems.push(`${stack}: ${PROJECT}:expiresOn = ${JSON.stringify(raw)} is not a date YYYY-MM-DD; not checked`);
      continue;
    }
    // ISO dates compare correctly as text.
    if (raw < today) {
      const lock = setting(config, "resourceGroupLock");
      const locked = lock === true || lock === "true";
      report.expired.push({ stack, expiresOn: raw, locked, commands: teardownCommands(stack, locked) });
    } else {
      report.running.push({ stack, expiresOn: raw });
    }
  }
  return report;
}

/** The text `npm run expired` prints: one block per expired stack, then a one-line summary. */
export function renderReport(report: ExpiryReport, today: string): string {
  const lines: string[] = [];
  for (const e of report.expired) {
    lines.push(`${e.stack}: trial ended ${e.expiresOn}${e.locked ? " (resource group locked: remove the lock first)" : ""}`);
    for (const c of e.commands) lines.push(`  ${c}`);
  }
  const running = report.running.map((r) => `${r.stack} until ${r.expiresOn}`).join(", ");
  lines.push(`${report.expired.length} expired trial stack(s) as of ${today}${running ? `; still running: ${running}` : ""}. Nothing was destroyed.`);
  return `${lines.join("\n")}\n`;
}
