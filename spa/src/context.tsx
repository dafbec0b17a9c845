import { createContext, useContext } from 'react';
import type { Me } from './api/types';

export interface AppState {
  me: Me;
  /** Increases whenever the server announces a change (SSE); pages reload their data on it. */
  tick: number;
  live: 'connecting' | 'live' | 'offline';
  logout: () => void;
  refreshMe: () => void;
}

export const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const v = useContext(AppContext);
  if (!v) throw new Error('useApp outside AppContext');
  return v;
}

export function canWrite(me: Me): boolean {
  return me.role === 'owner' || me.role === 'admin';
}
