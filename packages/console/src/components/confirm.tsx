import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/**
 * A modal question on the native <dialog>: focus moves into it, Escape cancels, and the page behind
 * cannot be reached by keyboard while it is open. Its buttons close it at once, not on the next render.
 */
export function Confirm(props: {
  open: boolean;
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  onConfirm(): void;
  onCancel(): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog ref={ref} aria-labelledby="confirm-title" onCancel={props.onCancel}>
      <h2 id="confirm-title">{props.title}</h2>
      <div>{props.children}</div>
      <div class="actions">
        <button type="button" onClick={() => (ref.current?.close(), props.onCancel())}>
          Cancel
        </button>
        <button type="button" class="primary" onClick={() => (ref.current?.close(), props.onConfirm())}>
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
