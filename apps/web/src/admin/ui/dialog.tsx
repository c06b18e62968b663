import { type ReactNode, useEffect, useId, useRef, useState } from 'react'
import { Button } from '../../ui/primitives.tsx'
import { adminKo } from '../ko.ts'

/**
 * A modal dialog: labelled by its title, focus moves into it and stays there, Escape closes
 * it, and focus returns to what opened it. Rendered in place (no portal) so it works the same
 * in the browser and in jsdom.
 */
export function Dialog({ title, children, onClose }: { title: string; children: ReactNode; onClose: () => void }) {
  const titleId = useId()
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null
    const box = ref.current
    const first = box?.querySelector<HTMLElement>('[data-autofocus]') ?? box?.querySelector<HTMLElement>('button, [href], input, select, textarea')
    first?.focus()
    return () => opener?.focus?.()
  }, [])
  function onKeyDown(e: React.KeyboardEvent) {
    if (e.key === 'Escape') {
      e.stopPropagation()
      onClose()
      return
    }
    if (e.key !== 'Tab' || !ref.current) return
    const focusable = [...ref.current.querySelectorAll<HTMLElement>('button:not(:disabled), [href], input:not(:disabled), select, textarea')]
    if (!focusable.length) return
    const first = focusable[0]
    const last = focusable[focusable.length - 1]
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault()
      last.focus()
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault()
      first.focus()
    }
  }
  return (
    <div className="admin-backdrop">
      <div ref={ref} className="admin-dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} onKeyDown={onKeyDown}>
        <h2 id={titleId}>{title}</h2>
        {children}
      </div>
    </div>
  )
}

type ConfirmProps = {
  label: string
  question: string
  confirmLabel?: string
  onConfirm: () => Promise<unknown> | void
  pending?: boolean
  variant?: 'primary' | 'secondary' | 'danger' | 'ghost'
  disabled?: boolean
  className?: string
}

/** A button that asks first: the action runs only after the dialog's confirm button. */
export function ConfirmButton({ label, question, confirmLabel, onConfirm, pending, variant = 'secondary', disabled, className }: ConfirmProps) {
  const [open, setOpen] = useState(false)
  return (
    <>
      <Button variant={variant} onClick={() => setOpen(true)} pending={pending} disabled={disabled} className={className}>
        {label}
      </Button>
      {open && (
        <Dialog title={label} onClose={() => setOpen(false)}>
          <p>{question}</p>
          <div className="row admin-dialog-actions">
            <Button
              variant={variant === 'danger' ? 'danger' : 'primary'}
              data-autofocus
              onClick={() => {
                setOpen(false)
                void onConfirm()
              }}
            >
              {confirmLabel ?? label}
            </Button>
            <Button variant="secondary" onClick={() => setOpen(false)}>
              {adminKo.common.cancel}
            </Button>
          </div>
        </Dialog>
      )}
    </>
  )
}
