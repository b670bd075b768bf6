import { useEffect, useState } from 'preact/hooks';
import { DeadLettersPage } from './pages/dead-letters-page.tsx';
import { ProjectionsPage } from './pages/projections-page.tsx';
import { SagaDetailPage } from './pages/saga-detail-page.tsx';
import { SagaListPage } from './pages/saga-list-page.tsx';
import { SignIn } from './pages/sign-in.tsx';
import { hrefOf, parseRoute, type Route } from './router.ts';
import { clearToken, loadToken } from './token.ts';

export function App() {
  const [route, setRoute] = useState<Route>(parseRoute(window.location.hash));
  const [token, setToken] = useState(loadToken());
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  // Any call answered 401 signs the operator out (expired token); the sign-in says why.
  useEffect(() => {
    const onUnauthorized = () => {
      clearToken();
      setToken(null);
    };
    window.addEventListener('conveyor:unauthorized', onUnauthorized);
    return () => window.removeEventListener('conveyor:unauthorized', onUnauthorized);
  }, []);

  if (!token) return <SignIn onSignedIn={() => setToken(loadToken())} />;
  const signOut = () => {
    clearToken();
    setToken(null);
  };
  return (
    <div class="shell">
      <header class="top">
        <strong>Conveyor</strong>
        <nav>
          <a href={hrefOf({ page: 'sagas' })} class={route.page.startsWith('saga') ? 'on' : ''}>
            Sagas
          </a>
          <a href={hrefOf({ page: 'projections' })} class={route.page === 'projections' ? 'on' : ''}>
            Projections
          </a>
          <a
            href={hrefOf({ page: 'dead-letters', topic: null })}
            class={route.page === 'dead-letters' ? 'on' : ''}
          >
            Dead letters
          </a>
        </nav>
        <button type="button" class="link" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>{page(route)}</main>
    </div>
  );
}

function page(route: Route) {
  switch (route.page) {
    case 'sagas':
      return <SagaListPage />;
    case 'saga':
      return <SagaDetailPage id={route.id} />;
    case 'projections':
      return <ProjectionsPage />;
    case 'dead-letters':
      return <DeadLettersPage topic={route.topic} />;
    default: {
      const never: never = route;
      return never;
    }
  }
}
