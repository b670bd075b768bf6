import type { ListedDeadLetter } from './list.ts';

const COLUMNS: Array<[string, (letter: ListedDeadLetter) => string]> = [
  ['partition', (l) => String(l.partition)],
  ['offset', (l) => l.offset],
  ['key', (l) => l.key ?? '-'],
  ['message-type', (l) => l.messageType ?? '-'],
  ['message-id', (l) => l.messageId ?? '-'],
  ['original-topic', (l) => l.originalTopic],
  ['status', (l) => (l.redriven ? 're-driven' : 'pending')],
  ['attempts', (l) => (l.attempts === undefined ? '-' : String(l.attempts))],
  ['error', (l) => (l.error === undefined ? '-' : `${l.errorCode ? `[${l.errorCode}] ` : ''}${l.error}`)],
];

/** The dead letters as an aligned table (the error column last, unpadded, since it can be long). */
export function formatDeadLetters(topic: string, letters: readonly ListedDeadLetter[]): string {
  if (letters.length === 0) return `no dead letters in ${topic}`;
  const rows = [
    COLUMNS.map(([title]) => title),
    ...letters.map((l) => COLUMNS.map(([, cell]) => oneLine(cell(l)))),
  ];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
  const lines = rows.map((row) =>
    row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '),
  );
  const pending = letters.filter((l) => !l.redriven).length;
  return [...lines, '', `${letters.length} dead letter(s) in ${topic}, ${pending} pending`].join('\n');
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ');
