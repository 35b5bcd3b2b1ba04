import { useCallback, useState } from 'preact/hooks';
import type { Query } from '../api';
import { useSession } from '../session';
import type { Page } from '../types';
import { useInterval, useLoad } from './use-load';

const PAGE_SIZE = 25;
/** How often a list with an item in flight asks again. */
export const REFRESH_MS = 3000;

/**
 * One list endpoint's pages for a set of filters: the first page, older pages appended with the API's
 * cursor, and, while any item is in flight, the first page again every few seconds merged in place
 * (newer items on top, pages loaded since kept).
 */
export function usePagedList<T extends { id: string; status: string }>(
  path: string,
  filters: Query,
  inFlight: (item: T) => boolean,
) {
  const { api } = useSession();
  const key = JSON.stringify(filters);
  const first = () => api.get<Page<T>>(path, { ...filters, limit: PAGE_SIZE });
  const list = useLoad(first, [path, key]);
  const [more, setMore] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: null });

  const page = list.value;
  const moving = page?.items.some(inFlight) ?? false;
  const refresh = useCallback(() => {
    void first().then(
      (fresh) =>
        list.setValue((current) => {
          if (!current) return fresh;
          const byId = new Map(fresh.items.map((item) => [item.id, item]));
          const known = new Set(current.items.map((item) => item.id));
          return {
            items: [
              ...fresh.items.filter((item) => !known.has(item.id)),
              ...current.items.map((item) => byId.get(item.id) ?? item),
            ],
            nextCursor: current.nextCursor,
          };
        }),
      () => {},
    );
  }, [path, key]);
  useInterval(refresh, REFRESH_MS, moving);

  const loadMore = async () => {
    if (!page?.nextCursor) return;
    setMore({ busy: true, error: null });
    try {
      const next = await api.get<Page<T>>(path, { ...filters, limit: PAGE_SIZE, cursor: page.nextCursor });
      list.setValue({ items: [...page.items, ...next.items], nextCursor: next.nextCursor });
      setMore({ busy: false, error: null });
    } catch (error) {
      setMore({ busy: false, error });
    }
  };

  return { page, error: list.error, loading: list.loading, inFlight: moving, more, loadMore };
}
