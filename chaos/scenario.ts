/**
 * What one chaos scenario is: a fault an operator meets in production (a killed process, a reset
 * connection, a signal storm, memory pressure), run against real servers on this machine, with every
 * expectation stated beside what was observed.
 */

/** One expectation of a scenario and what the run saw. */
export interface Check {
  /** What is expected, as a sentence an operator reads ("no acknowledged booking is lost"). */
  expected: string;
  /** What was observed, with figures ("412 of 412 acknowledged bookings readable"). */
  observed: string;
  pass: boolean;
}

export interface ScenarioContext {
  /** A folder for this scenario's files (stores, logs); removed after the run unless --keep. */
  workDir: string;
  /** Progress lines, printed as the scenario runs. */
  log(line: string): void;
}

export interface Scenario {
  /** Short kebab-case name, used by `npm run chaos -- --only NAME`. */
  name: string;
  /** One line: the fault and the set-up it is injected into. */
  title: string;
  /** Runs the fault; every process and server it started is stopped before it resolves, pass or fail. */
  run(context: ScenarioContext): Promise<Check[]>;
}

/** A check from a condition and the observed text. */
export function check(expected: string, pass: boolean, observed: string): Check {
  return { expected, observed, pass };
}
