import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, setUnauthorizedHandler } from './api/client';
import type { Me } from './api/types';
import { AppContext, type AppState } from './context';
import { currentLocation, match, navigate, useLocation } from './router';
import { Loading } from './components/ui';
import { Link } from './components/Link';
import { Login } from './pages/Login';
import { Setup } from './pages/Setup';
import { Account } from './pages/Account';
import { Dashboard } from './pages/Dashboard';
import { Nodes } from './pages/Nodes';
import { NodeDetail } from './pages/NodeDetail';
import { Admins } from './pages/Admins';
import { Tokens } from './pages/Tokens';
import { Audit } from './pages/Audit';

type Auth = { state: 'loading' } | { state: 'anonymous'; expired: boolean } | { state: 'authed'; me: Me };

const publicPaths = ['/login', '/setup'];

function safeNext(next: string | null): string {
  // Only same-app paths: never redirect to another origin after sign-in.
  return next && next.startsWith('/') && !next.startsWith('//') && !publicPaths.some((p) => next.startsWith(p)) ? next : '/';
}

export function App() {
  const loc = useLocation();
  const [auth, setAuth] = useState<Auth>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  const [live, setLive] = useState<AppState['live']>('connecting');

  const loadMe = useCallback(async (afterLogin: boolean) => {
    try {
      const me = await api.get<Me>('/api/auth/me');
      setAuth({ state: 'authed', me });
      if (afterLogin) navigate(safeNext(new URLSearchParams(location.search).get('next')), { replace: true });
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) setAuth({ state: 'anonymous', expired: false });
      else setAuth({ state: 'anonymous', expired: false });
    }
  }, []);

  useEffect(() => {
    void loadMe(false);
  }, [loadMe]);

  // Any authenticated call that answers 401: the session expired. Remember where the user was.
  useEffect(() => {
    setUnauthorizedHandler(() => {
      setAuth((a) => (a.state === 'authed' ? { state: 'anonymous', expired: true } : a));
    });
    return () => setUnauthorizedHandler(null);
  }, []);

  useEffect(() => {
    if (auth.state === 'anonymous' && !publicPaths.includes(loc.path)) {
      const next = currentLocation();
      navigate(`/login?next=${encodeURIComponent(next)}${auth.expired ? '&expired=1' : ''}`, { replace: true });
    }
  }, [auth, loc.path]);

  // Live updates: the control plane announces every change; pages reload what they show.
  const pending = useRef<number | undefined>(undefined);
  // The server refuses the stream to an admin who must still set up MFA; connect once they have.
  const streamAllowed = auth.state === 'authed' && !auth.me.mfaSetupRequired;
  useEffect(() => {
    if (!streamAllowed || typeof EventSource === 'undefined') return;
    let es: EventSource | null = null;
    let retry: number | undefined;
    let poll: number | undefined;
    let stopped = false;
    let failures = 0;
    let opened = false;
    const bump = () => {
      window.clearTimeout(pending.current);
      pending.current = window.setTimeout(() => setTick((t) => t + 1), 150);
    };
    const connect = () => {
      es = new EventSource('/api/events', { withCredentials: true });
      es.onopen = () => {
        setLive('live');
        window.clearInterval(poll);
        poll = undefined;
        failures = 0;
        // Events may have been missed while disconnected: reload once.
        if (opened) bump();
        opened = true;
      };
      es.onmessage = bump;
      for (const name of ['change', 'changed', 'update', 'node', 'peer', 'route', 'firewall-rule', 'admin', 'token', 'status']) {
        es.addEventListener(name, bump);
      }
      es.onerror = () => {
        setLive('offline');
        // Without the stream, keep the page fresh by polling until it comes back.
        poll ??= window.setInterval(bump, 15_000);
        if (es && es.readyState === EventSource.CLOSED && !stopped) {
          es.close();
          // The stream closed for good (e.g. 401 or not deployed): check the session, then reconnect with backoff.
          failures++;
          const delay = Math.min(60_000, 3000 * 2 ** Math.min(failures - 1, 5));
          retry = window.setTimeout(() => {
            void api.get<Me>('/api/auth/me').then(connect, (e) => {
              if (e instanceof ApiError && e.status === 401) setAuth({ state: 'anonymous', expired: true });
              else retry = window.setTimeout(connect, delay);
            });
          }, delay);
        }
      };
    };
    connect();
    return () => {
      stopped = true;
      window.clearTimeout(retry);
      window.clearInterval(poll);
      es?.close();
    };
  }, [streamAllowed]);

  const logout = useCallback(async () => {
    try {
      await api.post('/api/auth/logout');
    } catch {
      // Signing out locally is what matters; the session dies server-side on expiry anyway.
    }
    setAuth({ state: 'anonymous', expired: false });
    navigate('/login', { replace: true });
  }, []);

  if (loc.path === '/setup') return <Setup initialToken={loc.search.get('token') ?? ''} />;
  if (auth.state === 'loading') return <Loading />;
  if (auth.state === 'anonymous') {
    return <Login key={loc.full} onLoggedIn={() => void loadMe(true)} initialUsername={loc.search.get('username') ?? ''} expired={auth.expired || loc.search.get('expired') === '1'} />;
  }
  if (loc.path === '/login') {
    // Signed in already (e.g. a second tab): go where the link pointed.
    navigate(safeNext(loc.search.get('next')), { replace: true });
    return <Loading />;
  }

  if (auth.me.mfaSetupRequired && loc.path !== '/account') {
    // The owner requires MFA: nothing else works until this admin has set it up.
    navigate('/account', { replace: true });
    return <Loading />;
  }

  const state: AppState = { me: auth.me, tick, live, logout: () => void logout(), refreshMe: () => void loadMe(false) };
  return (
    <AppContext.Provider value={state}>
      <Shell path={loc.path}>
        <Page path={loc.path} search={loc.search} />
      </Shell>
    </AppContext.Provider>
  );
}

function Page({ path, search }: { path: string; search: URLSearchParams }) {
  if (path === '/') return <Dashboard />;
  if (path === '/nodes') return <Nodes />;
  const node = match('/nodes/:id', path);
  if (node) return <NodeDetail id={node.id} tab={search.get('tab') ?? 'peers'} />;
  if (path === '/admins') return <Admins />;
  if (path === '/tokens') return <Tokens />;
  if (path === '/audit') return <Audit />;
  if (path === '/account') return <Account />;
  return (
    <section>
      <h1>Not found</h1>
      <p>
        There is nothing at <code>{path}</code>. <Link to="/">Go to the dashboard</Link>.
      </p>
    </section>
  );
}

function Shell({ path, children }: { path: string; children: React.ReactNode }) {
  return (
    <AppContext.Consumer>
      {(app) => {
        if (!app) return null;
        const links: [string, string][] = [
          ['/', 'Dashboard'],
          ['/nodes', 'Nodes'],
          ...(app.me.role === 'owner' ? ([['/admins', 'Admins']] as [string, string][]) : []),
          ['/tokens', 'API tokens'],
          ['/audit', 'Audit log'],
          ['/account', 'Account'],
        ];
        return (
          <>
            <a className="skip" href="#main">
              Skip to content
            </a>
            <header className="topbar">
              <span className="brand">CloudWg</span>
              <nav aria-label="Main">
                {links.map(([to, label]) => {
                  const active = to === '/' ? path === '/' : path.startsWith(to);
                  return (
                    <Link key={to} to={to} className={active ? 'active' : undefined} aria-current={active ? 'page' : undefined}>
                      {label}
                    </Link>
                  );
                })}
              </nav>
              <span className={`live-status ${app.live}`} data-state={app.live} title="Live updates" aria-live="polite">
                {app.live === 'live' ? '● live' : app.live === 'connecting' ? '○ connecting' : '○ refreshing every 15 s'}
              </span>
              <span className="who">{app.me.username}</span>
              <button type="button" className="secondary" onClick={app.logout}>
                Sign out
              </button>
            </header>
            <main id="main" tabIndex={-1}>
              {children}
            </main>
          </>
        );
      }}
    </AppContext.Consumer>
  );
}
