import type { ChaosReport } from './harness.ts';
import { describeFault } from './schedule.ts';

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The human report of a chaos run. */
export function formatReport(r: ChaosReport): string {
  const lines: string[] = [];
  lines.push(
    `CHAOS RUN seed=${r.seed} duration=${s(r.durationMs)} rate=${r.rate}/s faults=${r.faultKinds.join(',')}`,
  );
  lines.push(`namespace ${r.namespace}; service logs in ${r.logDir}`);
  lines.push('');
  lines.push(`FAULTS (${r.injected.length} scheduled)`);
  const byKind = new Map<string, number>();
  for (const f of r.injected) {
    if (f.outcome === 'injected') byKind.set(f.fault.kind, (byKind.get(f.fault.kind) ?? 0) + 1);
    const down = f.downMs !== undefined ? `, back after ${s(f.downMs)}` : '';
    lines.push(`  [${f.outcome}] at t+${s(f.atMs)}: ${describeFault(f.fault)} — ${f.note}${down}`);
  }
  lines.push(`  by kind: ${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`);
  lines.push('');
  lines.push(
    `UNEXPECTED PROCESS EXITS ${r.unexpectedExits.length === 0 ? 'none (PASS)' : `${r.unexpectedExits.length} (FAIL)`}`,
  );
  for (const e of r.unexpectedExits)
    lines.push(`  ${e.member} exited (code ${e.exitCode}) at t+${s(e.atMs)} without being killed: ${e.note}`);
  lines.push('');
  const sent = r.sent.ok + r.sent['out-of-stock'] + r.sent.declined;
  lines.push(
    `ORDERS sent ${sent} (ok ${r.sent.ok}, out-of-stock ${r.sent['out-of-stock']}, declined ${r.sent.declined})` +
      `, refused ${JSON.stringify(r.refused)}, skipped (too many in flight) ${r.skipped}`,
  );
  for (const [intent, outcomes] of Object.entries(r.outcomes)) {
    const parts = Object.entries(outcomes).map(([o, n]) => `${o} ${n}`);
    lines.push(`  meant ${intent.padEnd(12)} → ${parts.join(', ') || 'none accepted'}`);
  }
  for (const [reason, n] of Object.entries(r.otherReasons))
    lines.push(`  cancelled for another reason ${n}×: ${reason}`);
  if (r.unreportedOrders)
    lines.push(`  orders in the database without a 202 seen by the load: ${r.unreportedOrders}`);
  lines.push('');
  const q = r.quiescence;
  lines.push(
    `QUIESCENCE ${q.reached ? 'reached' : 'NOT reached'} in ${s(q.tookMs)} (active sagas ${q.state.activeSagas}, ` +
      `unpublished outbox ${q.state.unpublished}, consumer lag ${q.state.consumerLag}, projection lag ${q.state.projectionLag}` +
      `${q.state.processesDown ? ', some process down' : ''}${q.error ? `, last probe error: ${q.error}` : ''})`,
  );
  lines.push('');
  lines.push('INVARIANTS');
  for (const inv of r.invariants) {
    const counts = Object.entries(inv.counts)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    lines.push(`  ${inv.pass ? 'PASS' : 'FAIL'} ${inv.name}  [${counts}]`);
    for (const d of inv.details) lines.push(`       - ${d}`);
  }
  lines.push('');
  const t = r.timings;
  lines.push(
    `TIMINGS stack start ${s(t.startMs)}, load (and last restarts) ${s(t.loadMs)}, quiescence ${s(t.quiescenceMs)}, checks ${s(t.checksMs)}, total ${s(t.totalMs)}`,
  );
  lines.push(`RESULT ${r.pass ? 'PASS' : 'FAIL'}`);
  return lines.join('\n');
}
