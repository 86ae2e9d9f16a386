import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Check, Scenario } from './scenario.js';
import { scenarios } from './scenarios/index.js';

/**
 * `npm run chaos`: injects the faults an operator meets (see chaos/scenarios/) into real servers on
 * this machine and prints, for each, what was expected beside what was observed. Not part of
 * `npm test`: it runs for minutes and loads both cores. Exits 1 when any check fails.
 *
 *   npm run chaos                       every scenario
 *   npm run chaos -- --only NAME[,NAME] the named ones
 *   npm run chaos -- --list             names and titles
 *   npm run chaos -- --keep             keep each scenario's work folder (logs, stores)
 */

interface Outcome {
  scenario: Scenario;
  checks: Check[];
  seconds: number;
}

function parseArgs(argv: readonly string[]): { only?: Set<string>; list: boolean; keep: boolean } {
  const onlyIndex = argv.indexOf('--only');
  const onlyValue = onlyIndex >= 0 ? argv[onlyIndex + 1] : undefined;
  return {
    ...(onlyValue ? { only: new Set(onlyValue.split(',')) } : {}),
    list: argv.includes('--list'),
    keep: argv.includes('--keep'),
  };
}

async function runOne(scenario: Scenario, keep: boolean): Promise<Outcome> {
  const workDir = mkdtempSync(join(tmpdir(), `tp-chaos-${scenario.name}-`));
  const started = performance.now();
  let checks: Check[];
  try {
    checks = await scenario.run({ workDir, log: (line) => process.stdout.write(`  · ${line}\n`) });
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    checks = [{ expected: 'the scenario runs to its end', observed: `it threw: ${message}`, pass: false }];
  } finally {
    if (keep) process.stdout.write(`  · work folder kept: ${workDir}\n`);
    else rmSync(workDir, { recursive: true, force: true });
  }
  return { scenario, checks, seconds: (performance.now() - started) / 1000 };
}

function printOutcome({ scenario, checks, seconds }: Outcome): void {
  process.stdout.write(`\n${scenario.name} (${seconds.toFixed(1)} s)\n`);
  for (const { expected, observed, pass } of checks) {
    process.stdout.write(
      `  ${pass ? 'PASS' : 'FAIL'}  expected: ${expected}\n        observed: ${observed}\n`,
    );
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.list) {
    for (const scenario of scenarios) process.stdout.write(`${scenario.name.padEnd(24)} ${scenario.title}\n`);
    return;
  }
  const unknown = [...(args.only ?? [])].filter((name) => !scenarios.some((s) => s.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`unknown scenario(s): ${unknown.join(', ')} (see --list)\n`);
    process.exit(2);
  }
  const chosen = scenarios.filter((scenario) => !args.only || args.only.has(scenario.name));
  const outcomes: Outcome[] = [];
  for (const scenario of chosen) {
    process.stdout.write(`\n▶ ${scenario.name}: ${scenario.title}\n`);
    const outcome = await runOne(scenario, args.keep);
    printOutcome(outcome);
    outcomes.push(outcome);
  }
  const all = outcomes.flatMap((outcome) => outcome.checks);
  const failed = all.filter((c) => !c.pass).length;
  process.stdout.write(`\nchaos: ${all.length - failed} passed, ${failed} failed\n`);
  process.exitCode = failed === 0 ? 0 : 1;
}

await main();
