import { useCallback, useRef, useState } from 'react';

/**
 * Messages in the top-right corner (supervisor alerts, failed actions), each for `ms`, or
 * until clicked: they sit over the flags panel, whose buttons (转120…) must stay at hand.
 */
export interface Toast {
  readonly id: number;
  readonly text: string;
}

export function useToasts(ms = 15_000): { toasts: readonly Toast[]; notify: (text: string) => void; dismiss: (id: number) => void } {
  const [toasts, setToasts] = useState<readonly Toast[]>([]);
  const next = useRef(1);
  const notify = useCallback((text: string) => {
    const id = next.current++;
    setToasts((now) => [...now, { id, text }]);
    setTimeout(() => setToasts((now) => now.filter((toast) => toast.id !== id)), ms);
  }, [ms]);
  const dismiss = useCallback((id: number) => setToasts((now) => now.filter((toast) => toast.id !== id)), []);
  return { toasts, notify, dismiss };
}

export function Toasts({ toasts, onDismiss }: { toasts: readonly Toast[]; onDismiss: (id: number) => void }) {
  if (!toasts.length) return null;
  return (
    <div id="alerts" role="alert">
      {toasts.map((toast) => <p key={toast.id} onClick={() => onDismiss(toast.id)}>{toast.text}</p>)}
    </div>
  );
}
