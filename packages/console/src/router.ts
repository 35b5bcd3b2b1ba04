import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routes (`#/messages/01J…?status=failed`): the server serves one page at /console, deep links
 * still work, and nothing secret ever goes into a path.
 */
export interface Route {
  /** Path segments after `#/`, e.g. ["messages", "01J…"]. */
  parts: string[];
  query: URLSearchParams;
}

export const parseRoute = (hash: string): Route => {
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?');
  return {
    parts: path.split('/').filter(Boolean).map(decodeURIComponent),
    query: new URLSearchParams(search),
  };
};

export const href = (path: string, query?: Record<string, string | undefined>) => {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) if (value) params.set(name, value);
  const search = params.toString();
  return `#/${path}${search ? `?${search}` : ''}`;
};

export const navigate = (path: string, query?: Record<string, string | undefined>) => {
  location.hash = href(path, query);
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
