import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import type { Me } from '../api/types';
import { AppContext, type AppState } from '../context';

export const owner: Me = { id: 'a1', username: 'owner', role: 'owner', mfaEnabled: true };

export function renderWithApp(ui: ReactElement, state: Partial<AppState> = {}) {
  const value: AppState = { me: owner, tick: 0, live: 'live', logout: () => undefined, refreshMe: () => undefined, ...state };
  return render(<AppContext.Provider value={value}>{ui}</AppContext.Provider>);
}
