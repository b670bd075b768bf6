import { useState } from 'preact/hooks';
import { api, type SagaListParams } from '../api.ts';
import { StatusBadge } from '../components/status-badge.tsx';
import { TableHead } from '../components/table-head.tsx';
import { duration, shortId } from '../format.ts';
import { hrefOf } from '../router.ts';
import { usePolling } from '../use-polling.ts';

const STATUSES = ['running', 'compensating', 'completed', 'compensated', 'failed'] as const;

/** Age filters as the API takes them (created at least / at most this long ago). */
const AGES: Record<string, Pick<SagaListParams, 'minAgeMs' | 'maxAgeMs'>> = {
  any: {},
  'last 5 min': { maxAgeMs: 5 * 60_000 },
  'last hour': { maxAgeMs: 3_600_000 },
  'last day': { maxAgeMs: 86_400_000 },
  'older than 5 min': { minAgeMs: 5 * 60_000 },
  'older than an hour': { minAgeMs: 3_600_000 },
};

const PAGE_SIZE = 20;
const LIVE_MS = 3_000;

/** Every saga, newest first: filters, live counts by status, keyset pages as the API gives them. */
export function SagaListPage() {
  const [status, setStatus] = useState('');
  const [type, setType] = useState('');
  const [age, setAge] = useState('any');
  const [correlationId, setCorrelationId] = useState('');
  const [ref, setRef] = useState('');
  // The cursors of the pages before this one: "previous" pops one, "first" clears them.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const filters: SagaListParams = {
    status,
    type: type.trim(),
    ...AGES[age],
    correlationId: correlationId.trim(),
    ref: ref.trim(),
    limit: PAGE_SIZE,
    ...(cursor ? { cursor } : {}),
  };
  const counts = usePolling(() => api.counts(), [], LIVE_MS);
  const page = usePolling(() => api.sagas(filters), [JSON.stringify(filters)], LIVE_MS);
  const filter =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      setCursors([]);
    };

  return (
    <section>
      <h1>Sagas</h1>
      <fieldset class="counts">
        <legend>Sagas by status (live)</legend>
        {STATUSES.map((s) => (
          <button
            type="button"
            key={s}
            class={`count ${status === s ? 'on' : ''}`}
            data-status={s}
            onClick={() => filter(setStatus)(status === s ? '' : s)}
          >
            <StatusBadge status={s} /> <span class="n">{counts.data?.[s] ?? '…'}</span>
          </button>
        ))}
      </fieldset>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select name="status" value={status} onChange={(e) => filter(setStatus)(e.currentTarget.value)}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Type
          <input
            name="type"
            value={type}
            placeholder="create-order"
            onInput={(e) => filter(setType)(e.currentTarget.value)}
          />
        </label>
        <label>
          Age
          <select name="age" value={age} onChange={(e) => filter(setAge)(e.currentTarget.value)}>
            {Object.keys(AGES).map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label>
          Correlation id
          <input
            name="correlationId"
            value={correlationId}
            onInput={(e) => filter(setCorrelationId)(e.currentTarget.value)}
          />
        </label>
        <label>
          Order id
          <input
            name="ref"
            value={ref}
            placeholder="any start-data value"
            onInput={(e) => filter(setRef)(e.currentTarget.value)}
          />
        </label>
      </form>
      {page.error && (
        <p class="error" role="alert">
          {page.error.message}
        </p>
      )}
      <table class="sagas">
        <TableHead columns={['Saga', 'Type', 'Status', 'Step', 'Age', 'Correlation id', 'Why']} />
        <tbody>
          {page.data?.items.map((saga) => (
            <tr key={saga.id} data-saga-id={saga.id} data-status={saga.status}>
              <td>
                <a href={hrefOf({ page: 'saga', id: saga.id })} title={saga.id}>
                  {shortId(saga.id)}
                </a>
              </td>
              <td>{saga.type}</td>
              <td>
                <StatusBadge status={saga.status} />
              </td>
              <td>{saga.currentStep ?? '–'}</td>
              <td>{duration(saga.ageMs)}</td>
              <td class="mono">{saga.correlationId}</td>
              <td>{saga.failureReason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.data?.items.length === 0 && <p class="empty">No saga matches.</p>}
      <div class="pager">
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors([])}>
          First page
        </button>
        <button
          type="button"
          disabled={cursors.length === 0}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Previous
        </button>
        <button
          type="button"
          disabled={!page.data?.nextCursor}
          onClick={() => page.data?.nextCursor && setCursors([...cursors, page.data.nextCursor])}
        >
          Next page
        </button>
      </div>
    </section>
  );
}
