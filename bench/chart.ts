/** One bar pair of the chart. */
export interface ChartRow {
  label: string;
  okPerSecond: number;
  p99Ms: number;
}

const escapeXml = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/**
 * An SVG of two bar charts side by side, one row per benchmark row: 2xx throughput (linear) and
 * p99 latency (log scale, since it spans milliseconds to seconds).
 */
export function barChartSvg(rows: readonly ChartRow[], title: string): string {
  const labelWidth = 330;
  const panel = 300;
  const gap = 40;
  const rowHeight = 22;
  const top = 50;
  const width = labelWidth + panel * 2 + gap + 70;
  const height = top + rows.length * rowHeight + 30;
  const maxOk = Math.max(1, ...rows.map((r) => r.okPerSecond));
  const maxLog = Math.log10(Math.max(10, ...rows.map((r) => r.p99Ms)));
  const minLog = Math.log10(0.5);
  const logWidth = (ms: number) => ((Math.log10(Math.max(0.5, ms)) - minLog) / (maxLog - minLog)) * panel;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="${labelWidth}" y="40" font-weight="bold">2xx responses/s</text>`,
    `<text x="${labelWidth + panel + gap}" y="40" font-weight="bold">p99 latency, ms (log scale)</text>`,
  ];
  rows.forEach((row, i) => {
    const y = top + i * rowHeight;
    const okWidth = (row.okPerSecond / maxOk) * panel;
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + 14}" text-anchor="end">${escapeXml(row.label)}</text>`,
      `<rect x="${labelWidth}" y="${y + 3}" width="${okWidth.toFixed(1)}" height="${rowHeight - 6}" fill="#3b7dd8"/>`,
      `<text x="${labelWidth + okWidth + 4}" y="${y + 14}">${Math.round(row.okPerSecond)}</text>`,
      `<rect x="${labelWidth + panel + gap}" y="${y + 3}" width="${logWidth(row.p99Ms).toFixed(1)}" height="${rowHeight - 6}" fill="${row.p99Ms > 50 ? '#d8573b' : '#3bb273'}"/>`,
      `<text x="${labelWidth + panel + gap + logWidth(row.p99Ms) + 4}" y="${y + 14}">${row.p99Ms < 10 ? row.p99Ms.toFixed(1) : Math.round(row.p99Ms)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
