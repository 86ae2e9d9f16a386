import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { searchThreadCount } from '../../src/composition/search.js';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('SEARCH_THREADS', () => {
  it('defaults to auto: the cores shared among the worker processes less one for each event loop, at least one', () => {
    expect(loadConfig({}).searchThreads).toBe('auto');
    const cores = availableParallelism();
    expect(searchThreadCount('auto', 1)).toBe(Math.max(1, cores - 1));
    expect(searchThreadCount('auto', cores)).toBe(1);
    expect(searchThreadCount('auto', cores * 4)).toBe(1);
  });

  it('keeps a number as given (0: searches on the event loop), and names auto in its error', () => {
    expect(loadConfig({ SEARCH_THREADS: '0' }).searchThreads).toBe(0);
    expect(searchThreadCount(0, 1)).toBe(0);
    expect(searchThreadCount(3, 2)).toBe(3);
    expect(() => loadConfig({ SEARCH_THREADS: 'many' })).toThrow(ConfigError);
    expect(() => loadConfig({ SEARCH_THREADS: 'many' })).toThrow(
      /SEARCH_THREADS.*auto or an integer from 0 to 64/,
    );
  });
});
