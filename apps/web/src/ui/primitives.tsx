import { type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode, useEffect, useId } from 'react'
import { ko } from '@shop/storefront-core/ko'
import { formatDate, formatDateTime, formatWon } from '@shop/storefront-core/format'

export function Money({ amount, className }: { amount: number; className?: string }) {
  return <span className={className ? `money ${className}` : 'money'}>{formatWon(amount)}</span>
}

export function DateTime({ at, dateOnly }: { at: string; dateOnly?: boolean }) {
  return <time dateTime={at}>{dateOnly ? formatDate(at) : formatDateTime(at)}</time>
}

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  pending?: boolean
  pendingLabel?: string
  variant?: 'primary' | 'secondary' | 'danger' | 'ghost'
}

/** A button that says it is waiting (aria-busy, its label) and cannot be pressed twice meanwhile. */
export function Button({ pending, pendingLabel, variant = 'primary', children, disabled, className, ...rest }: ButtonProps) {
  return (
    <button
      type="button"
      {...rest}
      className={`btn btn-${variant}${className ? ` ${className}` : ''}`}
      disabled={disabled || pending}
      aria-busy={pending || undefined}
    >
      {pending && <span className="spinner" aria-hidden="true" />}
      {pending && pendingLabel ? pendingLabel : children}
    </button>
  )
}

type FieldProps = InputHTMLAttributes<HTMLInputElement> & { label: string; error?: string; hint?: string }

/** A labelled input; its error is announced and tied to it with aria-describedby. */
export function Field({ label, error, hint, id, className, ...rest }: FieldProps) {
  const auto = useId()
  const inputId = id ?? auto
  const described = [hint && `${inputId}-hint`, error && `${inputId}-error`].filter(Boolean).join(' ') || undefined
  return (
    <div className={`field${error ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={inputId}>{label}</label>
      <input id={inputId} aria-invalid={error ? true : undefined} aria-describedby={described} {...rest} />
      {hint && (
        <p className="field-hint" id={`${inputId}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${inputId}-error`}>
          {error}
        </p>
      )}
    </div>
  )
}

export function Loading({ label = ko.common.loading }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  )
}

/** A failure said in Korean, with a way to try again when there is one. */
export function ErrorNote({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div className="notice notice-error" role="alert">
      <p>{message}</p>
      {onRetry && (
        <Button variant="secondary" onClick={onRetry}>
          {ko.common.retry}
        </Button>
      )}
    </div>
  )
}

export function Notice({ children, tone = 'info' }: { children: ReactNode; tone?: 'info' | 'success' | 'warning' }) {
  return (
    <div className={`notice notice-${tone}`} role="status">
      {children}
    </div>
  )
}

/** Sets the page's title (and description) in the browser; the server writes them into the HTML itself. */
export function PageTitle({ title, description }: { title: string; description?: string }) {
  useEffect(() => {
    document.title = title.includes(ko.shopName) ? title : `${title} | ${ko.shopName}`
    if (description) document.querySelector('meta[name="description"]')?.setAttribute('content', description)
  }, [title, description])
  return null
}
