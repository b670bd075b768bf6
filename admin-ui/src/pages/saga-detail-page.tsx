import type { JourneyMessageView, SagaJourneyView } from '@conveyor/saga';
import { api, type SagaAction } from '../api.ts';
import { ConfirmAction } from '../components/confirm-action.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { TableHead } from '../components/table-head.tsx';
import { Timeline } from '../components/timeline.tsx';
import { after, clockTime } from '../format.ts';
import { hrefOf } from '../router.ts';
import { usePolling } from '../use-polling.ts';

const LIVE_MS = 2_000;
const finished = (status: string) => status === 'completed' || status === 'compensated';

/** What an operator can do to a saga, and in which states the API accepts it. */
const OPERATOR_ACTIONS: readonly {
  label: string;
  question: string;
  action: SagaAction;
  allowed(status: string): boolean;
}[] = [
  {
    label: 'Retry',
    question: 'Send what the saga awaits now?',
    action: 'retry',
    allowed: (s) => !finished(s),
  },
  {
    label: 'Abort',
    question: 'Compensate this saga now? Its completed steps are undone.',
    action: 'abort',
    allowed: (s) => !finished(s),
  },
  {
    label: 'Replay compensations',
    question: 'Restart the compensations of this failed saga?',
    action: 'compensations/replay',
    allowed: (s) => s === 'failed',
  },
];

/** One saga: its steps on a time axis, every message that moved it, its dead letters, and the actions. */
export function SagaDetailPage({ id }: { id: string }) {
  const journey = usePolling(() => api.journey(id), [id], LIVE_MS);
  const settings = usePolling(() => api.settings(), []);
  const ids = journey.data?.messages.map((m) => m.messageId) ?? [];
  // Orders' topics include the participants' command topics and the replies: all a saga's dead letters.
  const deadLetters = usePolling(
    () => (ids.length ? api.deadLettersOfMessages('orders', ids) : Promise.resolve(undefined)),
    [ids.join(',')],
  );
  if (journey.error && !journey.data)
    return (
      <p class="error" role="alert">
        {journey.error.message}
      </p>
    );
  const data = journey.data;
  if (!data) return <p>Loading…</p>;
  const { saga } = data;
  return (
    <section class="saga-detail" data-saga-id={saga.id} data-status={saga.status}>
      <p>
        <a href={hrefOf({ page: 'sagas' })}>← all sagas</a>
      </p>
      <h1>
        {saga.type} <StatusBadge status={saga.status} />
      </h1>
      <dl class="facts">
        <dt>Saga</dt>
        <dd class="mono">{saga.id}</dd>
        <dt>Correlation id</dt>
        <dd class="mono">{saga.correlationId}</dd>
        <dt>Definition</dt>
        <dd>v{saga.definitionVersion}</dd>
        <dt>Current step</dt>
        <dd>{saga.currentStep ?? '–'}</dd>
        <dt>Started</dt>
        <dd>{clockTime(saga.createdAt)}</dd>
        <dt>Updated</dt>
        <dd>
          {clockTime(saga.updatedAt)} ({after(saga.createdAt, saga.updatedAt)})
        </dd>
        {saga.nextAttemptAt && (
          <>
            <dt>Next attempt</dt>
            <dd>{clockTime(saga.nextAttemptAt)}</dd>
          </>
        )}
        <dt>Trace</dt>
        <dd>
          <TraceLink journey={data} zipkinUrl={settings.data?.zipkinUrl ?? null} />
        </dd>
        {saga.failureReason && (
          <>
            <dt>Why</dt>
            <dd class="reason">{saga.failureReason}</dd>
          </>
        )}
      </dl>
      <div class="actions">
        {OPERATOR_ACTIONS.map(({ label, question, action, allowed }) => (
          <ConfirmAction
            key={action}
            label={label}
            question={question}
            disabled={!allowed(saga.status)}
            run={() => api.act(saga.id, action)}
            onDone={journey.refresh}
          />
        ))}
      </div>
      <Unavailable sources={data.sources} />
      <h2>Timeline</h2>
      <Timeline journey={data} now={new Date()} />
      <h2>Steps</h2>
      <table class="steps">
        <TableHead columns={['Step', 'Status', 'Sends', 'Compensation sends', 'Deadline', 'Error']} />
        <tbody>
          {saga.steps.map((step) => (
            <tr key={step.name} data-step={step.name} data-status={step.status}>
              <td>{step.name}</td>
              <td>
                <StatusBadge status={step.status} />
              </td>
              <td>{step.attempts}</td>
              <td>{step.compensationAttempts}</td>
              <td>{step.deadline ? clockTime(step.deadline) : '–'}</td>
              <td>{step.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Messages</h2>
      <Messages journey={data} />
      <h2>Dead letters</h2>
      {deadLetters.data === undefined || deadLetters.data.deadLetters.length === 0 ? (
        <p class="empty" data-dead-letters="0">
          None of this saga's messages was dead-lettered.
        </p>
      ) : (
        <table class="dead-letters">
          <tbody>
            {deadLetters.data.deadLetters.map((letter) => (
              <tr key={`${letter.partition}:${letter.offset}`}>
                <td>{letter.originalTopic}</td>
                <td class="mono">{letter.messageId}</td>
                <td>{letter.errorCode}</td>
                <td>{letter.error}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Log</h2>
      <table class="log">
        <TableHead columns={['#', 'When', 'Step', 'Action', 'Status', 'Command id', 'Error']} />
        <tbody>
          {saga.timeline.map((entry) => (
            <tr key={entry.seq} data-action={entry.action}>
              <td>{entry.seq}</td>
              <td>{after(saga.createdAt, entry.at)}</td>
              <td>{entry.step ?? ''}</td>
              <td>{entry.action}</td>
              <td>{entry.status}</td>
              <td class="mono">{entry.commandId ?? ''}</td>
              <td>{entry.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Data</h2>
      <pre class="data">{JSON.stringify(saga.data, null, 2)}</pre>
    </section>
  );
}

/** The trace of the saga's first traced message, in Zipkin when the stack runs with tracing. */
function TraceLink({ journey, zipkinUrl }: { journey: SagaJourneyView; zipkinUrl: string | null }) {
  const traceId = journey.messages.find((m) => m.traceId !== null)?.traceId;
  if (!traceId) return <span class="empty">not traced (tracing is off, or the outbox rows are pruned)</span>;
  if (!zipkinUrl) return <span class="mono">{traceId}</span>;
  return (
    <a class="mono" href={`${zipkinUrl}/zipkin/traces/${traceId}`} target="_blank" rel="noreferrer">
      {traceId} in Zipkin
    </a>
  );
}

function Unavailable({ sources }: { sources: SagaJourneyView['sources'] }) {
  const down = sources.filter((s) => !s.ok);
  if (down.length === 0) return null;
  return (
    <p class="warning" role="status">
      Not answering, so their rows are missing below:{' '}
      {down.map((s) => `${s.source} (${s.error ?? 'no answer'})`).join('; ')}
    </p>
  );
}

function Messages({ journey }: { journey: SagaJourneyView }) {
  const from = journey.saga.createdAt;
  return (
    <table class="messages">
      <TableHead
        columns={[
          'Kind',
          'Step',
          'Type',
          'Message id',
          'Topic',
          'Sent by',
          'Written → published',
          'Applied by',
          'Trace',
        ]}
      />
      <tbody>
        {journey.messages.map((message: JourneyMessageView) => (
          <tr key={message.messageId} data-kind={message.kind} data-step={message.step ?? ''}>
            <td>{message.kind}</td>
            <td>{message.step ?? ''}</td>
            <td>{message.type ?? '–'}</td>
            <td class="mono">{message.messageId}</td>
            <td>{message.topic ?? '–'}</td>
            <td>{message.sentBy ?? '–'}</td>
            <td>
              {message.sends.map((send) => (
                <div key={send.createdAt}>
                  {after(from, send.createdAt)} →{' '}
                  {send.publishedAt ? after(from, send.publishedAt) : 'not yet'}
                </div>
              ))}
            </td>
            <td>
              {message.received.map((r) => (
                <div key={`${r.service}:${r.consumer}`}>
                  {r.service} ({r.consumer}) {after(from, r.processedAt)}
                </div>
              ))}
            </td>
            <td class="mono">{message.traceId ?? '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
