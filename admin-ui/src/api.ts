import type { ListedDeadLetter, RedriveOneResult, RedriveResult } from '@conveyor/events';
import type { SagaDetailView, SagaJourneyView, SagaPageView, SagaSummaryView } from '@conveyor/saga';
import type { DeadLetterTopic, ProjectionStatus } from '@conveyor/service';
import { loadToken } from './token.ts';

/** A refusal of the admin API: its status and its problem+json detail, in words. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** The services behind the gateway that have an admin API of their own (projections, dead letters). */
export const ADMIN_SERVICES = ['orders', 'users', 'inventory'] as const;
export type AdminService = (typeof ADMIN_SERVICES)[number];

export type SagaCounts = Record<SagaDetailView['status'], number>;

export interface ServiceProjections {
  service: string;
  projections: ProjectionStatus[];
}
export interface ServiceDeadLetters {
  service: string;
  topics: DeadLetterTopic[];
  deadLetters: ListedDeadLetter[];
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const token = loadToken();
  const response = await fetch(path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const json: unknown = text ? JSON.parse(text) : null;
  if (!response.ok) throw problemOf(response.status, json);
  // The admin API's own schemas fix the shape of each answer.
  return json as T;
}

function problemOf(status: number, json: unknown): ApiError {
  const problem = typeof json === 'object' && json !== null ? json : {};
  const detail =
    'detail' in problem && typeof problem.detail === 'string' ? problem.detail : `HTTP ${status}`;
  const code = 'code' in problem && typeof problem.code === 'string' ? problem.code : undefined;
  return new ApiError(status, detail, code);
}

const query = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};

export interface SagaListParams {
  status?: string;
  type?: string;
  minAgeMs?: number;
  maxAgeMs?: number;
  correlationId?: string;
  ref?: string;
  cursor?: string;
  limit?: number;
}

export type SagaAction = 'retry' | 'abort' | 'compensations/replay';

/** What the gateway tells the page about the deployment (public, no token). */
export interface PageSettings {
  /** Zipkin's base URL when tracing is on. */
  zipkinUrl: string | null;
}

export const api = {
  settings: () => call<PageSettings>('GET', '/admin/settings.json'),
  sagas: (params: SagaListParams) => call<SagaPageView>('GET', `/admin/sagas${query({ ...params })}`),
  counts: () => call<SagaCounts>('GET', '/admin/sagas/counts'),
  journey: (id: string) => call<SagaJourneyView>('GET', `/admin/sagas/${encodeURIComponent(id)}/journey`),
  act: (id: string, action: SagaAction) =>
    call<SagaSummaryView>('POST', `/admin/sagas/${encodeURIComponent(id)}/${action}`, {}),
  projections: (service: AdminService) => call<ServiceProjections>('GET', `/admin/${service}/projections`),
  rebuild: (service: AdminService, name: string) =>
    call<unknown>('POST', `/admin/${service}/projections/${encodeURIComponent(name)}/rebuild`, {}),
  deadLetterTopics: (service: AdminService) =>
    call<ServiceDeadLetters>('GET', `/admin/${service}/dead-letters`),
  deadLettersOfMessages: (service: AdminService, ids: readonly string[]) =>
    call<ServiceDeadLetters>('GET', `/admin/${service}/dead-letters${query({ messageIds: ids.join(',') })}`),
  deadLetters: (service: AdminService, topic: string) =>
    call<{ topic: string; deadLetters: ListedDeadLetter[] }>(
      'GET',
      `/admin/${service}/dead-letters/${encodeURIComponent(topic)}`,
    ),
  redrive: (service: AdminService, topic: string) =>
    call<RedriveResult>('POST', `/admin/${service}/dead-letters/${encodeURIComponent(topic)}/redrive`, {}),
  redriveOne: (service: AdminService, topic: string, partition: number, offset: string) =>
    call<RedriveOneResult>(
      'POST',
      `/admin/${service}/dead-letters/${encodeURIComponent(topic)}/${partition}/${offset}/redrive`,
      {},
    ),
};
