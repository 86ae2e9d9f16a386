import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A cfn-lint finding, as its JSON output reports it. */
export interface CfnLintFinding {
  Level: 'Error' | 'Warning' | 'Informational';
  Message: string;
  Rule: { Id: string };
  Location: { Path: (string | number)[] };
}

/**
 * Errors a newer CloudFormation schema than the one cfn-lint ships makes obsolete: CDK's L1
 * resources are generated from the current CloudFormation registry, which has the property; the
 * "Deploy to AWS" (docs/aws.md) names each.
 */
export const OBSOLETE_CFN_LINT_ERRORS = [
  {
    rule: 'E3002',
    resourceType: 'AWS::CloudWatch::Dashboard',
    message: "'Tags' was unexpected",
  },
] as const;

/** True when `cfn-lint` runs here (it does on these machines and in CI). */
export function cfnLintAvailable(): boolean {
  try {
    execFileSync('cfn-lint', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs cfn-lint on a template and returns its findings. */
export function cfnLint(template: unknown): CfnLintFinding[] {
  const dir = mkdtempSync(join(tmpdir(), 'cfn-lint-'));
  try {
    const file = join(dir, 'template.json');
    writeFileSync(file, JSON.stringify(template, null, 1));
    let output: string;
    try {
      output = execFileSync('cfn-lint', ['--format', 'json', file], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      });
    } catch (error) {
      // cfn-lint exits non-zero whenever it reports anything; the findings are on stdout.
      output = String((error as { stdout?: string }).stdout ?? '');
      if (output.trim() === '') throw error;
    }
    return JSON.parse(output) as CfnLintFinding[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The errors among `findings` that are not listed in OBSOLETE_CFN_LINT_ERRORS. */
export function unexpectedErrors(
  findings: CfnLintFinding[],
  resources: Record<string, { Type: string }>,
): CfnLintFinding[] {
  return findings.filter((finding) => {
    if (finding.Level !== 'Error') return false;
    const [section, logicalId] = finding.Location.Path;
    const type = section === 'Resources' ? resources[String(logicalId)]?.Type : undefined;
    return !OBSOLETE_CFN_LINT_ERRORS.some(
      (known) =>
        known.rule === finding.Rule.Id &&
        known.resourceType === type &&
        finding.Message.includes(known.message),
    );
  });
}
