import { ConfigError, loadConfig } from '../../src/config.js';

/** The lines `loadConfig` refuses `env` with; none when it loads. */
export function configProblems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
