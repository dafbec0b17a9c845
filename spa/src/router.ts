import { useEffect, useState } from 'react';

// A tiny History-API router: the functions app falls back to index.html for unknown paths.

const listeners = new Set<() => void>();

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === currentLocation()) return;
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  listeners.forEach((l) => l());
}

export function currentLocation(): string {
  return location.pathname + location.search;
}

export function useLocation(): { path: string; search: URLSearchParams; full: string } {
  const [full, setFull] = useState(currentLocation());
  useEffect(() => {
    const update = () => setFull(currentLocation());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  const url = new URL(full, 'http://x');
  return { path: url.pathname, search: url.searchParams, full };
}

/** Match `/nodes/:id` style patterns; returns params or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) params[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}
