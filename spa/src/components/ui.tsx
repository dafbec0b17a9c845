import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api/client';

export function FieldErrors({ id, messages }: { id: string; messages?: string[] }) {
  if (!messages || messages.length === 0) return null;
  return (
    <div className="field-error" id={id} role="alert">
      {messages.join(' ')}
    </div>
  );
}

interface FieldProps {
  label: string;
  value: string;
  onChange: (v: string) => void;
  errors?: string[];
  hint?: string;
  type?: string;
  name?: string;
  required?: boolean;
  placeholder?: string;
  autoComplete?: string;
  multiline?: boolean;
  readOnly?: boolean;
  inputMode?: 'numeric' | 'text';
  autoFocus?: boolean;
}

export function TextField(p: FieldProps) {
  const id = useId();
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  const describedBy = [p.hint ? hintId : '', p.errors?.length ? errId : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: p.name,
    value: p.value,
    required: p.required,
    placeholder: p.placeholder,
    readOnly: p.readOnly,
    'aria-invalid': p.errors?.length ? true : undefined,
    'aria-describedby': describedBy,
    autoFocus: p.autoFocus,
  };
  return (
    <div className={`field${p.errors?.length ? ' invalid' : ''}`}>
      <label htmlFor={id}>{p.label}</label>
      {p.multiline ? (
        <textarea {...common} rows={3} onChange={(e) => p.onChange(e.target.value)} />
      ) : (
        <input
          {...common}
          type={p.type ?? 'text'}
          autoComplete={p.autoComplete}
          inputMode={p.inputMode}
          onChange={(e) => p.onChange(e.target.value)}
        />
      )}
      {p.hint && (
        <div className="hint" id={hintId}>
          {p.hint}
        </div>
      )}
      <FieldErrors id={errId} messages={p.errors} />
    </div>
  );
}

export function SelectField<T extends string>(p: {
  label: string;
  value: T;
  onChange: (v: T) => void;
  options: readonly (T | { value: T; label: string })[];
  errors?: string[];
  name?: string;
  hint?: string;
}) {
  const id = useId();
  const describedBy = [p.hint ? `${id}-hint` : '', p.errors?.length ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${p.errors?.length ? ' invalid' : ''}`}>
      <label htmlFor={id}>{p.label}</label>
      <select
        id={id}
        name={p.name}
        value={p.value}
        aria-invalid={p.errors?.length ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => p.onChange(e.target.value as T)}
      >
        {p.options.map((o) => {
          const v = typeof o === 'string' ? o : o.value;
          const l = typeof o === 'string' ? o : o.label;
          return (
            <option key={v} value={v}>
              {l}
            </option>
          );
        })}
      </select>
      {p.hint && (
        <div className="hint" id={`${id}-hint`}>
          {p.hint}
        </div>
      )}
      <FieldErrors id={`${id}-err`} messages={p.errors} />
    </div>
  );
}

export function CheckboxField(p: { label: string; checked: boolean; onChange: (v: boolean) => void; errors?: string[]; name?: string; disabled?: boolean; hint?: string }) {
  const id = useId();
  const describedBy = [p.hint ? `${id}-hint` : '', p.errors?.length ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field checkbox${p.errors?.length ? ' invalid' : ''}`}>
      <input
        id={id}
        name={p.name}
        type="checkbox"
        checked={p.checked}
        disabled={p.disabled}
        aria-invalid={p.errors?.length ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => p.onChange(e.target.checked)}
      />
      <label htmlFor={id}>{p.label}</label>
      {p.hint && (
        <div className="hint" id={`${id}-hint`}>
          {p.hint}
        </div>
      )}
      <FieldErrors id={`${id}-err`} messages={p.errors} />
    </div>
  );
}

/** A form's submit button (disabled while busy) and its Cancel button. */
export function FormActions({ submit, busy, onCancel }: { submit: string; busy: boolean; onCancel: () => void }) {
  return (
    <div className="row">
      <button type="submit" disabled={busy}>
        {submit}
      </button>
      <button type="button" className="secondary" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

export function ErrorBanner({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  const message = error instanceof ApiError ? error.detail : error instanceof Error ? error.message : String(error);
  return (
    <div className="banner error" role="alert">
      <span>{message}</span>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** Shown on a 412: the user's input stays in the form; reloading only refreshes the version. */
export function ConflictBanner({ what, onReload, onDiscard }: { what: string; onReload: () => void; onDiscard?: () => void }) {
  return (
    <div className="banner warning" role="alert" data-testid="conflict">
      <span>
        This {what} was changed by someone else. Reload the latest version — what you typed is kept — then save again.
      </span>
      <span className="actions">
        <button type="button" onClick={onReload}>
          Reload latest (keep my edits)
        </button>
        {onDiscard && (
          <button type="button" className="secondary" onClick={onDiscard}>
            Discard my edits
          </button>
        )}
      </span>
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <strong>{title}</strong>
      {children && <div>{children}</div>}
    </div>
  );
}

export function Loading() {
  return (
    <div className="loading" role="status" aria-live="polite">
      Loading…
    </div>
  );
}

export function Modal({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const el = ref.current;
    const first = el?.querySelector<HTMLElement>('input, select, textarea, button:not(.close)') ?? el?.querySelector<HTMLElement>('button');
    first?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
      if (e.key === 'Tab' && el) {
        // Keep focus inside the dialog.
        const items = Array.from(el.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])')).filter((x) => !x.hasAttribute('disabled'));
        if (items.length === 0) return;
        const firstEl = items[0];
        const lastEl = items[items.length - 1];
        if (e.shiftKey && document.activeElement === firstEl) {
          lastEl.focus();
          e.preventDefault();
        } else if (!e.shiftKey && document.activeElement === lastEl) {
          firstEl.focus();
          e.preventDefault();
        }
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      previous?.focus?.();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <div className="modal-backdrop">
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby={titleId} ref={ref}>
        <header>
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="close" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="secondary"
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        } catch {
          setCopied(false);
        }
      }}
    >
      {copied ? 'Copied' : label}
    </button>
  );
}

/** Load data, re-load when `deps` change (including the live-update tick). Keeps old data while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: unknown; loading: boolean; reload: () => void; setData: (d: T) => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [n, setN] = useState(0);
  const reload = useCallback(() => setN((x) => x + 1), []);
  useEffect(() => {
    let live = true;
    setLoading(true);
    load().then(
      (d) => {
        if (!live) return;
        setData(d);
        setError(null);
        setLoading(false);
      },
      (e) => {
        if (!live) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, n]);
  return { data, error, loading, reload, setData };
}

export function StatusBadge({ kind, children }: { kind: 'ok' | 'bad' | 'warn' | 'muted'; children: ReactNode }) {
  return <span className={`badge ${kind}`}>{children}</span>;
}
