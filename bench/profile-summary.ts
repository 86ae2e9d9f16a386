/** A V8 `.cpuprofile`, as `node --cpu-prof` writes it (the fields read here). */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
  }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Monotonic clock now, µs: the clock V8 stamps profiles with (CLOCK_MONOTONIC on Linux). */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Where a function's code comes from: a package, a project file, Node itself, or V8's own work. */
function origin(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  if (url.startsWith('node:')) return url;
  const project = /\/((?:src|bench)\/.*)$/.exec(url);
  return project ? (project[1] as string) : url;
}

/** Self time by function and by origin, as percentages of all samples, biggest first. */
export function summariseProfile(
  profile: CpuProfile,
  top: number,
  window?: { fromMicros: number; toMicros: number },
): string {
  const counts = new Map<number, number>();
  let total = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (window && (at < window.fromMicros || at > window.toMicros)) return;
    total += 1;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  });
  const byFunction = new Map<string, number>();
  const byOrigin = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = counts.get(node.id) ?? 0;
    if (hits === 0) continue;
    const where = origin(node.callFrame.url, node.callFrame.functionName);
    const fn = `${node.callFrame.functionName || '(anonymous)'} ${where}${node.callFrame.url ? `:${node.callFrame.lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + hits);
    byOrigin.set(where, (byOrigin.get(where) ?? 0) + hits);
  }
  const table = (title: string, map: Map<string, number>): string => {
    const rows = [...map].sort((a, b) => b[1] - a[1]).slice(0, top);
    return [
      `| ${title} | self % |`,
      '|---|---:|',
      ...rows.map(
        ([name, hits]) => `| ${name.replaceAll('|', '\\|')} | ${((100 * hits) / total).toFixed(1)} |`,
      ),
    ].join('\n');
  };
  const seconds = window
    ? (window.toMicros - window.fromMicros) / 1e6
    : (profile.endTime - profile.startTime) / 1e6;
  return `${total} samples over ${seconds.toFixed(1)} s\n\n${table('origin', byOrigin)}\n\n${table('function', byFunction)}`;
}
