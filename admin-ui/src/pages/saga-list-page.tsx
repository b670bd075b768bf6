import { useState } from 'preact/hooks';
import { api, type SagaListParams } from '../api.ts';
import { ChoiceFilter, TextFilter } from '../components/filter-fields.tsx';
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

/** The filter form's fields, as typed (trimmed when sent). */
interface FilterForm {
  status: string;
  type: string;
  age: string;
  correlationId: string;
  ref: string;
}

const PAGE_SIZE = 20;
const LIVE_MS = 3_000;

/** Every saga, newest first: filters, live counts by status, keyset pages as the API gives them. */
export function SagaListPage() {
  const [form, setForm] = useState<FilterForm>({
    status: '',
    type: '',
    age: 'any',
    correlationId: '',
    ref: '',
  });
  // The cursors of the pages before this one: "previous" pops one, "first" clears them.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const filters: SagaListParams = {
    status: form.status,
    type: form.type.trim(),
    ...AGES[form.age],
    correlationId: form.correlationId.trim(),
    ref: form.ref.trim(),
    limit: PAGE_SIZE,
    ...(cursor ? { cursor } : {}),
  };
  const counts = usePolling(() => api.counts(), [], LIVE_MS);
  const page = usePolling(() => api.sagas(filters), [JSON.stringify(filters)], LIVE_MS);
  // A changed filter starts again from the first page.
  const setFilter = (name: keyof FilterForm) => (value: string) => {
    setForm((previous) => ({ ...previous, [name]: value }));
    setCursors([]);
  };
  const field = (name: keyof FilterForm) => ({ name, value: form[name], onChange: setFilter(name) });

  return (
    <section>
      <h1>Sagas</h1>
      <fieldset class="counts">
        <legend>Sagas by status (live)</legend>
        {STATUSES.map((s) => (
          <button
            type="button"
            key={s}
            class={`count ${form.status === s ? 'on' : ''}`}
            data-status={s}
            onClick={() => setFilter('status')(form.status === s ? '' : s)}
          >
            <StatusBadge status={s} /> <span class="n">{counts.data?.[s] ?? '…'}</span>
          </button>
        ))}
      </fieldset>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <ChoiceFilter label="Status" {...field('status')} options={STATUSES} anyLabel="any" />
        <TextFilter label="Type" {...field('type')} placeholder="create-order" />
        <ChoiceFilter label="Age" {...field('age')} options={Object.keys(AGES)} />
        <TextFilter label="Correlation id" {...field('correlationId')} />
        <TextFilter label="Order id" {...field('ref')} placeholder="any start-data value" />
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
