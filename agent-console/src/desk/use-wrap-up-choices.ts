import { useEffect, useState } from 'react';

/** The departments and scenarios the wrap-up offers, from the knowledge-base API (once per session). */
export interface WrapUpChoices {
  readonly departments: readonly { readonly id: string; readonly name: string }[];
  readonly scenarios: readonly { readonly id: string; readonly title: string }[];
}

const NONE: WrapUpChoices = { departments: [], scenarios: [] };

export function useWrapUpChoices(): WrapUpChoices {
  const [choices, setChoices] = useState<WrapUpChoices>(NONE);
  useEffect(() => {
    let alive = true;
    const get = <T,>(url: string): Promise<T[]> => fetch(url).then((res) => (res.ok ? (res.json() as Promise<T[]>) : []), () => []);
    void Promise.all([
      get<{ id: string; name: string }>('/api/knowledge/departments'),
      get<{ id: string; title: string; status?: string }>('/api/knowledge/scenarios'),
    ]).then(([departments, scenarios]) => {
      if (alive) setChoices({ departments, scenarios: scenarios.filter((s) => s.status !== 'retired') });
    });
    return () => void (alive = false);
  }, []);
  return choices;
}
