import { useState } from 'preact/hooks';
import { ApiError } from '../api.ts';
import { refusalInWords } from '../format.ts';

export interface ConfirmActionProps {
  /** The button's label, e.g. "Retry". */
  label: string;
  /** What will happen, asked before it does. */
  question: string;
  run(): Promise<unknown>;
  /** Called after the API accepted it. */
  onDone?(): void;
  disabled?: boolean;
}

/**
 * A button that asks first, then shows the API's answer: what it accepted, or why it refused
 * (a 409's reason in words).
 */
export function ConfirmAction({ label, question, run, onDone, disabled }: ConfirmActionProps) {
  const [asking, setAsking] = useState(false);
  const [answer, setAnswer] = useState<{ ok: boolean; text: string } | null>(null);
  const confirm = async () => {
    setAsking(false);
    try {
      const result = await run();
      setAnswer({ ok: true, text: `${label}: accepted. ${describe(result)}` });
      onDone?.();
    } catch (failure) {
      const text =
        failure instanceof ApiError ? refusalInWords(failure.status, failure.message) : String(failure);
      setAnswer({ ok: false, text: `${label}: refused. ${text}` });
    }
  };
  const slug = label.toLowerCase().replaceAll(' ', '-');
  return (
    <span class="action" data-action={slug}>
      <button type="button" disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
      {asking && (
        <span class="confirm" role="dialog" aria-label={`Confirm ${label}`}>
          {question}{' '}
          <button type="button" class="danger" onClick={confirm}>
            Yes, {label.toLowerCase()}
          </button>{' '}
          <button type="button" onClick={() => setAsking(false)}>
            Cancel
          </button>
        </span>
      )}
      {answer && (
        <span class={answer.ok ? 'answer ok' : 'answer error'} role="status">
          {answer.text}
        </span>
      )}
    </span>
  );
}

function describe(result: unknown): string {
  if (typeof result !== 'object' || result === null) return '';
  if ('status' in result && typeof result.status === 'string') return `Status now ${result.status}.`;
  if ('originalTopic' in result && typeof result.originalTopic === 'string') {
    const id = 'messageId' in result && typeof result.messageId === 'string' ? result.messageId : 'it';
    return `Sent ${id} to ${result.originalTopic}.`;
  }
  if ('redriven' in result && typeof result.redriven === 'number') return `${result.redriven} re-driven.`;
  return '';
}
