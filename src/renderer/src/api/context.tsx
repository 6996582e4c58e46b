import { createContext, type ReactNode, useContext } from 'react';
import type { MnemoApi } from '../../../shared/contract';
import type { Transport } from './client';

interface ApiContextValue {
  api: MnemoApi;
  transport: Transport;
  missingKey: boolean;
}

const ApiContext = createContext<ApiContextValue | null>(null);

export function ApiProvider({ value, children }: { value: ApiContextValue; children: ReactNode }) {
  return <ApiContext.Provider value={value}>{children}</ApiContext.Provider>;
}

export function useApi(): ApiContextValue {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useApi outside ApiProvider');
  return value;
}
