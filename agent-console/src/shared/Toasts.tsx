import { useCallback, useRef, useState } from 'react';

/** Messages in the top-right corner (supervisor alerts, failed actions), each for `ms`. */
export interface Toast {
  readonly id: number;
  readonly text: string;
}

export function useToasts(ms = 15_000): { toasts: readonly Toast[]; notify: (text: string) => void } {
  const [toasts, setToasts] = useState<readonly Toast[]>([]);
  const next = useRef(1);
  const notify = useCallback((text: string) => {
    const id = next.current++;
    setToasts((now) => [...now, { id, text }]);
    setTimeout(() => setToasts((now) => now.filter((toast) => toast.id !== id)), ms);
  }, [ms]);
  return { toasts, notify };
}

export function Toasts({ toasts }: { toasts: readonly Toast[] }) {
  if (!toasts.length) return null;
  return (
    <div id="alerts" role="alert">
      {toasts.map((toast) => <p key={toast.id}>{toast.text}</p>)}
    </div>
  );
}
