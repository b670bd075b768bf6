import type { SagaJourneyView } from '@conveyor/saga';
import { after, clockTime } from '../format.ts';
import { type MarkKind, timelineModel } from '../timeline-model.ts';

const WIDTH = 860;
const LEFT = 150;
const LANE = 34;

const LEGEND: Record<MarkKind, string> = {
  sent: 'sent',
  resent: 'resent',
  replied: 'replied',
  refused: 'refused',
  'compensation-sent': 'compensation sent',
  'compensation-resent': 'compensation resent',
  compensated: 'compensated',
  deadline: 'deadline passed',
  operator: 'operator',
  saga: 'saga',
};

/** The saga's log on a time axis: a lane per step, a mark per row (hover for what it was). */
export function Timeline({ journey, now }: { journey: SagaJourneyView; now: Date }) {
  const model = timelineModel(journey, now);
  const height = model.lanes.length * LANE + 30;
  const xOf = (x: number) => LEFT + x * (WIDTH - LEFT - 20);
  const kinds = new Set(model.lanes.flatMap((l) => l.marks.map((m) => m.kind)));
  return (
    <figure class="timeline">
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        width={WIDTH}
        height={height}
        role="img"
        aria-label="Saga timeline"
      >
        {model.lanes.map((lane, i) => {
          const y = i * LANE + 20;
          return (
            <g
              key={lane.step ?? 'saga'}
              class="lane"
              data-step={lane.step ?? 'saga'}
              data-status={lane.status ?? ''}
            >
              <text x={8} y={y + 4} class="lane-name">
                {lane.step ?? 'saga'}
              </text>
              <text x={8} y={y + 16} class="lane-status">
                {lane.status}
              </text>
              <line x1={LEFT} x2={WIDTH - 20} y1={y} y2={y} class="lane-line" />
              {lane.marks.map((mark) => (
                <circle
                  key={mark.seq}
                  cx={xOf(mark.x)}
                  cy={y}
                  r={6}
                  class={`mark ${mark.kind}`}
                  data-kind={mark.kind}
                >
                  <title>{`#${mark.seq} ${clockTime(mark.at)} (${after(model.from, mark.at)}): ${mark.label}`}</title>
                </circle>
              ))}
            </g>
          );
        })}
        <text x={LEFT} y={height - 4} class="axis">
          {clockTime(model.from)}
        </text>
        <text x={WIDTH - 20} y={height - 4} class="axis" text-anchor="end">
          {`${clockTime(model.to)} (${after(model.from, model.to)})`}
        </text>
      </svg>
      <figcaption class="legend">
        {[...kinds].map((kind) => (
          <span key={kind}>
            <svg width={12} height={12} aria-hidden="true">
              <circle cx={6} cy={6} r={5} class={`mark ${kind}`} />
            </svg>{' '}
            {LEGEND[kind]}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
