import type { Unit } from '../scenarios/scenario.js';
import type { Report } from './report.js';
import type { FigureSummary } from './summary.js';

const MB = 2 ** 20;
const grouped = (x: number) => Math.round(x).toLocaleString('en-US');
const sig3 = (x: number) => String(Number(x.toPrecision(3)));

export function formatValue(x: number, unit: Unit): string {
  switch (unit) {
    case 'ms':
      return Math.abs(x) >= 1000 ? `${grouped(x)} ms` : `${sig3(x)} ms`;
    case 'KB':
      return `${sig3(x)} KB`;
    case 'B':
      return Math.abs(x) >= MB ? `${sig3(x / MB)} MB` : `${grouped(x)} B`;
    case '/s':
      return `${grouped(x)}/s`;
    case 'count':
      return grouped(x);
    case 'x':
      return `${x.toFixed(2)}×`;
    case 'share':
      return `${Math.round(x * 100)}%`;
  }
}

function valueCell(f: FigureSummary, server: 'bare' | 'floor' | 'tether'): string {
  const value = f[server];
  return value === null ? `— (${f.reasons[server]})` : formatValue(value, f.unit);
}

function ratioCell(f: FigureSummary, server: 'floor' | 'tether'): string {
  const ratio = f[`${server}Ratio`];
  const range = f[`${server}Range`];
  if (ratio === null)
    return f.better === 'none' || f.compare === false ? '' : `— (${f.reasons[`${server}Ratio`]})`;
  const spread = range && range[0] !== range[1] ? ` (${range[0].toFixed(2)}–${range[1].toFixed(2)})` : '';
  return `**${ratio.toFixed(2)}×**${spread}`;
}

export function markdown(report: Report): string {
  const { machine: m, options: o } = report;
  const lines = [
    `# Tether benchmark, ${report.startedAt.slice(0, 10)}`,
    '',
    `- Started ${report.startedAt}, finished ${report.finishedAt}.`,
    `- Machine: ${m.platform}/${m.arch}, ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}; load ` +
      `average ${m.loadavgStart.join(' ')} at the start, ${m.loadavgEnd.join(' ')} at the end.`,
    `- Command: \`${report.command}\`${
      report.code
        ? `, at commit ${report.code.commit}${report.code.uncommittedChanges ? ' with uncommitted changes' : ''}`
        : ''
    }.`,
    `- Servers: bare socket.io ${report.versions['socket.io']} (\`bench/servers/bare.mjs\`), the floor ` +
      '(`bench/servers/floor.mjs`), Tether (`dist/main.js`, NODE_ENV=production, SQLite, file sessions, memory ' +
      `adapter). Clients: socket.io-client ${report.versions['socket.io-client']} over websocket in ${o.workers} ` +
      'worker processes.',
    `- ${o.rounds} interleaved round(s); the server order rotates each round. Values are medians over ` +
      'rounds; ratios are medians of the per-round ratios to bare (range over rounds in brackets).',
  ];
  if (o.smoke) lines.push('- **Smoke run**: tiny sizes. It checks the harness; the figures mean nothing.');

  lines.push('', '## Targets (issue 15)', '', '| # | target | measured | met |', '|---|---|---:|:---:|');
  for (const t of report.targets) {
    const figure = report.scenarios
      .find((s) => s.name === t.scenario)
      ?.figures.find((f) => f.key === t.figure);
    const measured =
      t.measured === null
        ? `— (${t.reason})`
        : t.field === 'tetherRatio'
          ? `${t.measured.toFixed(2)}×`
          : formatValue(t.measured, figure?.unit ?? 'count');
    lines.push(`| ${t.item} | ${t.text} | ${measured} | ${t.met === null ? '' : t.met ? 'yes' : '**no**'} |`);
  }

  for (const scenario of report.scenarios) {
    lines.push(
      '',
      `## ${scenario.title}`,
      '',
      scenario.about,
      '',
      '| figure | bare | floor | Tether | floor / bare | Tether / bare |',
      '|---|---:|---:|---:|---:|---:|',
    );
    for (const f of scenario.figures) {
      const cells = [
        f.label,
        valueCell(f, 'bare'),
        valueCell(f, 'floor'),
        valueCell(f, 'tether'),
        ratioCell(f, 'floor'),
        ratioCell(f, 'tether'),
      ];
      lines.push(`| ${cells.join(' | ')} |`);
    }
  }
  lines.push('');
  return lines.join('\n');
}
