/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time by package or project file,
 * and the hottest functions, so a benchmark can say where the time goes.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

function ownerOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const project = /\/(server|agent-console|test)\/(.+)$/.exec(url);
  return project ? `${project[1]}/${project[2]}` : url;
}

export function profileSummary(profile: CpuProfile, top = Number(process.env["PROFILE_TOP"] ?? 12)): string {
  const total = profile.samples.length;
  const busy = profile.nodes.filter((n) => n.callFrame.functionName !== '(idle)').reduce((s, n) => s + (n.hitCount ?? 0), 0);
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    if (!hits || n.callFrame.functionName === '(idle)') continue;
    const owner = ownerOf(n.callFrame.url, n.callFrame.functionName);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + hits);
    const fn = `${n.callFrame.functionName || '(anonymous)'} ${owner}:${n.callFrame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + hits);
  }
  const pct = (h: number) => `${((100 * h) / busy).toFixed(1).padStart(5)}%`;
  const rows = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, h]) => `    ${pct(h)}  ${k}`);
  return [
    `  where the server's busy time goes (${busy} of ${total} samples busy):`,
    '  by owner:',
    ...rows(byOwner),
    '  hottest functions (self time):',
    ...rows(byFunction),
  ].join('\n');
}
