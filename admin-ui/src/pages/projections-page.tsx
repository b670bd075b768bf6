import { ADMIN_SERVICES, type AdminService, api } from '../api.ts';
import { ConfirmAction } from '../components/confirm-action.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { TableHead } from '../components/table-head.tsx';
import { clockTime } from '../format.ts';
import { usePolling } from '../use-polling.ts';

const LIVE_MS = 2_000;

/** Every service's projections: served generation, lag per partition, a rebuild's progress; start one. */
export function ProjectionsPage() {
  return (
    <section>
      <h1>Projections</h1>
      {ADMIN_SERVICES.map((service) => (
        <ServiceProjections key={service} service={service} />
      ))}
    </section>
  );
}

function ServiceProjections({ service }: { service: AdminService }) {
  const status = usePolling(() => api.projections(service), [service], LIVE_MS);
  if (status.error)
    return (
      <p class="error" role="alert">
        {service}: {status.error.message}
      </p>
    );
  const projections = status.data?.projections ?? [];
  if (status.data && projections.length === 0) return null;
  return (
    <div class="projections" data-service={service}>
      {projections.map((p) => {
        const run = p.rebuild;
        const total = run ? run.applied + run.lag : 0;
        const percent =
          run && total > 0 ? Math.round((run.applied / total) * 100) : run?.finishedAt ? 100 : 0;
        return (
          <article key={p.name} class="projection" data-projection={p.name} data-state={p.state}>
            <h2>
              {p.name} <StatusBadge status={p.state} />
            </h2>
            <p>
              {service} · serves generation{' '}
              <strong data-served={p.servedGeneration ?? ''}>{p.servedGeneration ?? '–'}</strong>
              {p.buildingGeneration !== null && <> · building generation {p.buildingGeneration}</>} · lag{' '}
              <strong>{p.lag}</strong>
            </p>
            <table class="partitions">
              <TableHead columns={['Topic', 'Partition', 'Next offset', 'High watermark', 'Lag']} />
              <tbody>
                {p.partitions.map((part) => (
                  <tr key={`${part.topic}:${part.partition}`}>
                    <td>{part.topic}</td>
                    <td>{part.partition}</td>
                    <td>{part.next}</td>
                    <td>{part.high}</td>
                    <td>{part.lag}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {run && (
              <div class="rebuild" data-finished={run.finishedAt ? 'yes' : 'no'}>
                <progress max={100} value={percent} />{' '}
                {run.finishedAt
                  ? run.error
                    ? `Rebuild failed at ${clockTime(run.finishedAt)}: ${run.error}`
                    : `Rebuilt generation ${run.generation} (${run.applied} messages), done at ${clockTime(run.finishedAt)}`
                  : `Rebuilding generation ${run.generation ?? '…'}: ${run.applied} applied, lag ${run.lag}, ${run.ratePerSecond}/s`}
              </div>
            )}
            <ConfirmAction
              label="Rebuild"
              question={`Rebuild ${p.name} from the earliest offsets into a new generation, while the current one serves?`}
              disabled={run !== null && run.finishedAt === null}
              run={() => api.rebuild(service, p.name)}
              onDone={status.refresh}
            />
          </article>
        );
      })}
    </div>
  );
}
