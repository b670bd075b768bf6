/** The page's places, from the address bar's fragment (`#/sagas/<id>`), so a link can name any of them. */
export type Route =
  | { page: 'sagas' }
  | { page: 'saga'; id: string }
  | { page: 'projections' }
  | { page: 'dead-letters'; topic: string | null };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second] = parts;
  if (first === 'sagas' && second) return { page: 'saga', id: second };
  if (first === 'projections') return { page: 'projections' };
  if (first === 'dead-letters') return { page: 'dead-letters', topic: second ?? null };
  return { page: 'sagas' };
}

export function hrefOf(route: Route): string {
  switch (route.page) {
    case 'sagas':
      return '#/sagas';
    case 'saga':
      return `#/sagas/${encodeURIComponent(route.id)}`;
    case 'projections':
      return '#/projections';
    case 'dead-letters':
      return route.topic ? `#/dead-letters/${encodeURIComponent(route.topic)}` : '#/dead-letters';
    default: {
      const never: never = route;
      return never;
    }
  }
}
