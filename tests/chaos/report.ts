import {
  AFTER_FAULT_MS,
  LATENCY_BUCKET_MS,
  type LatencySummary,
  OUTAGE_GRACE_MS,
  OUTCOME_THRESHOLD,
  REFUSAL_THRESHOLD,
} from './figures.ts';
import type { ChaosReport } from './harness.ts';
import { describeFault } from './schedule.ts';

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const pct = (share: number) => `${(share * 100).toFixed(2)}%`;
const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL');
/** Exceptions listed one by one up to this many (all of them are counted by reason). */
const LIST_AT_MOST = 25;

function latencyLine(label: string, l: LatencySummary): string {
  const ms = (v: number | null) => (v === null ? '-' : v < 1_000 ? `${v} ms` : s(v));
  return `  ${label.padEnd(34)} p50 ${ms(l.p50Ms)}, p99 ${ms(l.p99Ms)}, max ${ms(l.maxMs)} (${l.count} orders)`;
}

/** The human report of a chaos run. */
export function formatReport(r: ChaosReport): string {
  const lines: string[] = [];
  lines.push(
    `CHAOS RUN seed=${r.seed} duration=${s(r.durationMs)} rate=${r.rate}/s replicas=${r.replicas} faults=${r.faultKinds.join(',') || 'none'}`,
  );
  lines.push(`namespace ${r.namespace}; service logs in ${r.logDir}`);
  lines.push('');
  lines.push(`FAULTS (${r.injected.length} scheduled)`);
  const byKind = new Map<string, number>();
  for (const f of r.injected) {
    if (f.outcome === 'injected') byKind.set(f.fault.kind, (byKind.get(f.fault.kind) ?? 0) + 1);
    const down = f.downMs !== undefined ? `, over after ${s(f.downMs)}` : '';
    lines.push(`  [${f.outcome}] at t+${s(f.atMs)}: ${describeFault(f.fault)} — ${f.note}${down}`);
    for (const problem of f.problems) lines.push(`       - FAIL ${problem}`);
  }
  lines.push(`  by kind: ${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`);
  lines.push('');
  lines.push(
    `UNEXPECTED PROCESS EXITS ${r.unexpectedExits.length === 0 ? 'none (PASS)' : `${r.unexpectedExits.length} (FAIL)`}`,
  );
  for (const e of r.unexpectedExits)
    lines.push(
      `  ${e.process} exited (code ${e.exitCode}) at t+${s(e.atMs)} without being killed: ${e.note}`,
    );
  lines.push('');
  const sent = r.sent.ok + r.sent['out-of-stock'] + r.sent.declined;
  lines.push(
    `ORDERS sent ${sent} (ok ${r.sent.ok}, out-of-stock ${r.sent['out-of-stock']}, declined ${r.sent.declined}), ` +
      `skipped (too many in flight) ${r.skipped}; ${r.receivedUnits} units received into stock before the load`,
  );
  if (r.unreportedOrders)
    lines.push(`  orders in the database without a 202 seen by the run: ${r.unreportedOrders}`);
  lines.push('');
  const o = r.outcomes;
  lines.push(
    `OUTCOMES ${verdict(o.pass)} ${o.asIntended} of ${o.accepted} accepted orders ended as intended (${pct(o.share)}, ` +
      `threshold ${pct(OUTCOME_THRESHOLD)})`,
  );
  for (const [intent, counts] of Object.entries(o.byIntent)) {
    const parts = Object.entries(counts).map(([k, n]) => `${k} ${n}`);
    lines.push(`  meant ${intent.padEnd(12)} → ${parts.join(', ') || 'none accepted'}`);
  }
  const reasons = new Map<string, number>();
  for (const e of o.exceptions) {
    const why = `${e.intent} → ${e.outcome}; saga ${e.sagaStatus ?? '?'}: ${mask(e.failureReason ?? e.reason ?? '(no reason)')}`;
    reasons.set(why, (reasons.get(why) ?? 0) + 1);
  }
  for (const [why, n] of reasons) lines.push(`  exceptions ${n}×: ${why}`);
  for (const e of o.exceptions.slice(0, LIST_AT_MOST))
    lines.push(
      `       - order ${e.orderId} meant ${e.intent}, ${e.outcome}${e.reason ? ` (${e.reason})` : ''}; ` +
        `saga ${e.sagaStatus ?? '?'}: ${e.failureReason ?? '(no failure reason)'}`,
    );
  if (o.exceptions.length > LIST_AT_MOST)
    lines.push(`       - … and ${o.exceptions.length - LIST_AT_MOST} more`);
  lines.push('');
  const a = r.availability;
  lines.push(
    `AVAILABILITY ${verdict(a.pass)} ${a.refused} of ${a.requests} requests refused while every service had a replica up ` +
      `(${pct(a.share)}, threshold ${pct(REFUSAL_THRESHOLD)})${a.refused ? ` ${JSON.stringify(a.refusedBy)}` : ''}`,
  );
  if (a.refused > 0)
    lines.push(`  refused by ${s(LATENCY_BUCKET_MS)} of sending: ${a.refusedByBucket.join(' | ')}`);
  lines.push(
    `  inside kill-both windows (+${s(OUTAGE_GRACE_MS)}), reported apart: ${a.duringOutages.refused} of ` +
      `${a.duringOutages.requests} refused${a.duringOutages.refused ? ` ${JSON.stringify(a.duringOutages.refusedBy)}` : ''}`,
  );
  lines.push('');
  lines.push('LATENCY order POST → final status');
  lines.push(latencyLine('whole run', r.latency.whole));
  lines.push(latencyLine(`sent within ${s(AFTER_FAULT_MS)} after a fault`, r.latency.afterFaults));
  lines.push(
    `  p50 by ${s(LATENCY_BUCKET_MS)} of sending: ${r.latency.p50ByBucketMs.map((v) => (v === null ? '-' : s(v))).join(' | ')}`,
  );
  lines.push(
    `  the orchestrator sent ${r.sends.sends} commands and compensations, ${r.sends.resends} of them resends ` +
      `(${pct(r.sends.sends === 0 ? 0 : r.sends.resends / r.sends.sends)})`,
  );
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
    lines.push(`  ${verdict(inv.pass)} ${inv.name}  [${counts}]`);
    for (const d of inv.details) lines.push(`       - ${d}`);
  }
  lines.push('');
  if (typeof r.timeline === 'string') lines.push(`SAGA TIMELINE ${r.timeline}`);
  else if (r.timeline) {
    const { sagaId, status, resends, entries } = r.timeline;
    lines.push(
      `SAGA TIMELINE (GET /admin/sagas/${sagaId} through the gateway): ${status}, ${resends} resends`,
    );
    const first = Date.parse(entries[0]?.at ?? '');
    for (const e of entries)
      lines.push(
        `  +${((Date.parse(e.at) - first) / 1000).toFixed(3).padStart(8)}s ${(e.step ?? '-').padEnd(18)} ${e.action.padEnd(12)} ${e.status}${e.error ? ` (${e.error})` : ''}`,
      );
  } else lines.push('SAGA TIMELINE no completed saga needed a resend');
  lines.push('');
  const t = r.timings;
  lines.push(
    `TIMINGS stack start ${s(t.startMs)}, load (and last restarts, replays) ${s(t.loadMs)}, quiescence ${s(t.quiescenceMs)}, checks ${s(t.checksMs)}, total ${s(t.totalMs)}`,
  );
  lines.push(`RESULT ${verdict(r.pass)}`);
  return lines.join('\n');
}

/** Ids masked, so that reasons group. */
const mask = (text: string) => text.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<id>');
