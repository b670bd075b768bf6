/** The parts of a V8 CPU profile (.cpuprofile) the summary reads. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
  }[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

export interface SelfTime {
  /** A function (`name  file:line`) or a package. */
  name: string;
  selfMs: number;
  /** Share of the busy time (everything but idle). */
  percent: number;
}

/** Where one process spent its CPU during a phase. */
export interface ProfileSummary {
  process: string;
  file: string;
  sampledMs: number;
  busyMs: number;
  topFunctions: SelfTime[];
  byPackage: SelfTime[];
}

const IDLE = '(idle)';

/**
 * Self time per function and per package (node_modules package, workspace such as
 * packages/events, or Node's internals) from the profile's samples. Pure.
 */
export function summarizeProfile(
  profile: CpuProfile,
  processName: string,
  file: string,
  rootDir: string,
  top = 15,
): ProfileSummary {
  const sampledMs = (profile.endTime - profile.startTime) / 1000;
  const hits = new Map<number, number>();
  if (profile.samples && profile.samples.length > 0) {
    for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  } else {
    for (const node of profile.nodes) hits.set(node.id, node.hitCount ?? 0);
  }
  const totalHits = [...hits.values()].reduce((a, b) => a + b, 0) || 1;
  const msPerHit = sampledMs / totalHits;
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let idleMs = 0;
  for (const node of profile.nodes) {
    const count = hits.get(node.id) ?? 0;
    if (count === 0) continue;
    const ms = count * msPerHit;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === IDLE) {
      idleMs += ms;
      continue;
    }
    const where = shortLocation(url, rootDir);
    const fn = `${functionName || '(anonymous)'}${where ? `  ${where}:${lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
    const pkg = packageOf(url, functionName, rootDir);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
  }
  const busyMs = Math.max(sampledMs - idleMs, 0.001);
  const rank = (m: Map<string, number>, n: number): SelfTime[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, selfMs]) => ({ name, selfMs: round(selfMs), percent: round((selfMs / busyMs) * 100) }));
  return {
    process: processName,
    file,
    sampledMs: round(sampledMs),
    busyMs: round(busyMs),
    topFunctions: rank(byFunction, top),
    byPackage: rank(byPackage, 10),
  };
}

const round = (n: number) => Math.round(n * 10) / 10;

function relativePath(url: string, rootDir: string): string {
  const path = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
  const root = rootDir.endsWith('/') ? rootDir : `${rootDir}/`;
  return path.startsWith(root) ? path.slice(root.length) : path;
}

/** `kafkajs/src/producer/index.js`, `packages/events/src/outbox/outbox-relay.ts`, `node:internal/…`. */
export function shortLocation(url: string, rootDir: string): string {
  if (!url) return '';
  const path = relativePath(url, rootDir);
  const at = path.lastIndexOf('node_modules/');
  return at >= 0 ? path.slice(at + 'node_modules/'.length) : path;
}

/** The package a frame belongs to: `kafkajs`, `@conveyor/…` workspace dir, `node (internals)`, `(gc)`. */
export function packageOf(url: string, functionName: string, rootDir: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native / V8 builtins)';
  if (url.startsWith('node:')) return 'node (internals)';
  const path = relativePath(url, rootDir);
  const at = path.lastIndexOf('node_modules/');
  if (at >= 0) {
    const [first, second] = path.slice(at + 'node_modules/'.length).split('/');
    return first?.startsWith('@') ? `${first}/${second}` : (first ?? path);
  }
  const [first, second] = path.split('/');
  return ['packages', 'services', 'infra', 'tests'].includes(first ?? '')
    ? `${first}/${second}`
    : (first ?? path);
}
