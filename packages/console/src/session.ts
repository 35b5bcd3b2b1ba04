import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api, Me } from './api';

/**
 * The signed-in key lives in sessionStorage only: gone when the tab closes, never in a URL, a cookie
 * or a log.
 */
const STORAGE_KEY = 'mailroom.console.key';

export const storedKey = (): string | null => sessionStorage.getItem(STORAGE_KEY);
export const storeKey = (key: string) => sessionStorage.setItem(STORAGE_KEY, key);
export const forgetKey = () => sessionStorage.removeItem(STORAGE_KEY);

export interface Session {
  me: Me;
  api: Api;
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}

/** Why an action is not offered to this key, or null when it is. */
export function missingScope(me: Me, scope: 'send' | 'admin'): string | null {
  return me.scopes.includes(scope) ? null : `This API key lacks the "${scope}" scope.`;
}
