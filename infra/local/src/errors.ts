/** Stable codes for what can go wrong while bringing the local infra up. */
export type InfraErrorCode =
  | 'INFRA_TOOL_MISSING'
  | 'INFRA_FETCH_FAILED'
  | 'INFRA_START_FAILED'
  | 'INFRA_UNREACHABLE'
  | 'INFRA_BAD_CONFIG';

export interface InfraErrorDetails {
  /** The part concerned: kafka, schema-registry, postgres, java, mvn. */
  part: string;
  /** The command that was run, when one was. */
  command?: string;
  /** The last lines of the part's log, when it has one. */
  logTail?: string;
}

/** An infra failure whose message names the part, the command and the end of its log. */
export class InfraError extends Error {
  readonly code: InfraErrorCode;
  readonly part: string;
  readonly command: string | undefined;
  readonly logTail: string | undefined;

  constructor(code: InfraErrorCode, message: string, details: InfraErrorDetails) {
    const parts = [`[${details.part}] ${message}`];
    if (details.command) parts.push(`  command: ${details.command}`);
    if (details.logTail) parts.push(`  last lines of its log:\n${indent(details.logTail)}`);
    super(parts.join('\n'));
    this.name = 'InfraError';
    this.code = code;
    this.part = details.part;
    this.command = details.command;
    this.logTail = details.logTail;
  }
}

/** Recognise by code, not instanceof: a monorepo can load two copies of this module. */
export function isInfraError(error: unknown): error is InfraError {
  return (
    error instanceof Error &&
    'code' in error &&
    typeof error.code === 'string' &&
    error.code.startsWith('INFRA_')
  );
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
