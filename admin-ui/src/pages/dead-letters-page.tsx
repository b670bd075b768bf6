import type { ListedDeadLetter } from '@conveyor/events';
import { useState } from 'preact/hooks';
import { ADMIN_SERVICES, type AdminService, api } from '../api.ts';
import { ConfirmAction } from '../components/confirm-action.tsx';
import { TableHead } from '../components/table-head.tsx';
import { hrefOf } from '../router.ts';
import { usePolling } from '../use-polling.ts';

/** A dead-letter topic and the service whose admin API answers for it. */
interface TopicRow {
  topic: string;
  count: number;
  service: AdminService;
}

/** Per dead-letter topic: how many it holds; open one to list and inspect them, re-drive one or all. */
export function DeadLettersPage({ topic }: { topic: string | null }) {
  const topics = usePolling(
    async () => {
      const answers = await Promise.all(ADMIN_SERVICES.map((service) => api.deadLetterTopics(service)));
      // Several services share a topic (orders sends the participants' commands): list it once.
      const rows = new Map<string, TopicRow>();
      answers.forEach((answer, i) => {
        const service = ADMIN_SERVICES[i];
        if (!service) return;
        for (const t of answer.topics) if (!rows.has(t.topic)) rows.set(t.topic, { ...t, service });
      });
      return [...rows.values()].sort((a, b) => a.topic.localeCompare(b.topic));
    },
    [],
    5_000,
  );
  const selected = topics.data?.find((t) => t.topic === topic);
  return (
    <section>
      <h1>Dead letters</h1>
      {topics.error && (
        <p class="error" role="alert">
          {topics.error.message}
        </p>
      )}
      <table class="dlq-topics">
        <TableHead columns={['Topic', 'Dead letters']} />
        <tbody>
          {topics.data?.map((t) => (
            <tr key={t.topic} data-topic={t.topic} class={t.topic === topic ? 'on' : ''}>
              <td>
                <a href={hrefOf({ page: 'dead-letters', topic: t.topic })}>{t.topic}</a>
              </td>
              <td>{t.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {selected && <TopicLetters row={selected} onRedriven={topics.refresh} />}
    </section>
  );
}

function TopicLetters({ row, onRedriven }: { row: TopicRow; onRedriven: () => void }) {
  const letters = usePolling(() => api.deadLetters(row.service, row.topic), [row.topic]);
  const [open, setOpen] = useState<ListedDeadLetter | null>(null);
  const list = letters.data?.deadLetters ?? [];
  return (
    <div class="dlq">
      <h2>{row.topic}</h2>
      <ConfirmAction
        label="Re-drive all"
        question={`Send every dead letter of ${row.topic} not re-driven yet back to its original topic?`}
        disabled={list.every((l) => l.redriven)}
        run={() => api.redrive(row.service, row.topic)}
        onDone={() => {
          letters.refresh();
          onRedriven();
        }}
      />
      <table class="letters">
        <TableHead
          columns={[
            'Partition',
            'Offset',
            'Type',
            'Message id',
            'From',
            'Consumer',
            'Attempts',
            'Error',
            'Re-driven',
            'Action',
          ]}
        />
        <tbody>
          {list.map((letter) => (
            <tr
              key={`${letter.partition}:${letter.offset}`}
              onClick={(event) => {
                // A click on the row's re-drive button (or its confirmation) is not one to inspect it.
                if (event.target instanceof Element && event.target.closest('.action')) return;
                setOpen(letter);
              }}
              class="clickable"
            >
              <td>{letter.partition}</td>
              <td>{letter.offset}</td>
              <td>{letter.messageType ?? '–'}</td>
              <td class="mono">{letter.messageId ?? '–'}</td>
              <td>
                {letter.originalTopic}[{letter.originalPartition ?? '?'}]@{letter.originalOffset ?? '?'}
              </td>
              <td>{letter.consumer ?? '–'}</td>
              <td>{letter.attempts ?? '–'}</td>
              <td>
                {letter.errorCode}: {letter.error}
              </td>
              <td>{letter.redriven ? 'yes' : 'no'}</td>
              <td>
                <ConfirmAction
                  label="Re-drive"
                  question={`Send dead letter ${letter.partition}:${letter.offset} back to ${letter.originalTopic}?`}
                  run={() => api.redriveOne(row.service, row.topic, letter.partition, letter.offset)}
                  onDone={() => {
                    letters.refresh();
                    onRedriven();
                  }}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.length === 0 && <p class="empty">This topic holds no dead letter.</p>}
      {open && (
        <div class="inspect">
          <h3>
            Dead letter {open.partition}:{open.offset}{' '}
            <button type="button" class="link" onClick={() => setOpen(null)}>
              close
            </button>
          </h3>
          <pre>{JSON.stringify(open.headers, null, 2)}</pre>
        </div>
      )}
    </div>
  );
}
