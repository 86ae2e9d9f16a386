import { type Clock, systemClock } from '../../ports/clock.js';

/** Fractions of the monthly budget whose crossing raises an alert. */
export const BUDGET_THRESHOLDS = [0.8, 1] as const;

export interface BudgetAlert {
  /** YYYY-MM (UTC). */
  month: string;
  thresholdPercent: number;
  budgetUsd: number;
  monthToDateUsd: number;
}

/** Where crossed thresholds are remembered, so each is announced once per month across restarts. */
export interface BudgetMarks {
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;
}

/**
 * Compares month-to-date cost with the monthly budget and announces each threshold (80%, 100%)
 * the first time it is crossed in a month.
 */
export class BudgetWatch {
  readonly #budgetUsd: number;
  readonly #marks: BudgetMarks;
  readonly #announce: (alert: BudgetAlert) => Promise<void>;
  readonly #clock: Clock;

  constructor(
    budgetUsd: number,
    marks: BudgetMarks,
    announce: (alert: BudgetAlert) => Promise<void>,
    clock: Clock = systemClock,
  ) {
    this.#budgetUsd = budgetUsd;
    this.#marks = marks;
    this.#announce = announce;
    this.#clock = clock;
  }

  get budgetUsd(): number {
    return this.#budgetUsd;
  }

  /** Thresholds crossed by `monthToDateUsd`, in percent. */
  crossed(monthToDateUsd: number): number[] {
    if (this.#budgetUsd <= 0) return [];
    return BUDGET_THRESHOLDS.filter((t) => monthToDateUsd >= this.#budgetUsd * t).map((t) => t * 100);
  }

  /** Announces thresholds newly crossed this month; resolves to the alerts sent. */
  async check(month: string, monthToDateUsd: number): Promise<BudgetAlert[]> {
    const sent: BudgetAlert[] = [];
    for (const thresholdPercent of this.crossed(monthToDateUsd)) {
      const mark = `budget-alert:${month}:${thresholdPercent}`;
      if ((await this.#marks.getSetting(mark)) !== undefined) continue;
      const alert = { month, thresholdPercent, budgetUsd: this.#budgetUsd, monthToDateUsd };
      await this.#announce(alert);
      await this.#marks.setSetting(mark, new Date(this.#clock.now()).toISOString());
      sent.push(alert);
    }
    return sent;
  }
}
