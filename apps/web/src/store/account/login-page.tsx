import { type FormEvent, useState } from 'react'
import { Link, Navigate, useLocation, useNavigate, useSearchParams } from 'react-router'
import { useAuth, useShop } from '../../api/shop.tsx'
import { messageFor } from '@shop/storefront-core/errors'
import { ko } from '@shop/storefront-core/ko'
import { Button, Field, Notice, PageTitle } from '../../ui/primitives.tsx'

/** Where to go after signing in: only a path of this site (never another origin). */
export function safeNext(raw: string | null): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/'
  return raw
}

export function LoginPage() {
  const client = useShop()
  const { status, signedIn } = useAuth()
  const navigate = useNavigate()
  const location = useLocation()
  const [params] = useSearchParams()
  const next = safeNext(params.get('next'))
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string>()
  const [pending, setPending] = useState(false)
  const reason = (location.state as { reason?: string } | null)?.reason

  if (status === 'signedIn' && !pending) return <Navigate to={next} replace />

  async function submit(e: FormEvent) {
    e.preventDefault()
    if (!email.trim() || !password) {
      setError(!email.trim() ? ko.validation.required(ko.auth.email) : ko.validation.required(ko.auth.password))
      return
    }
    setPending(true)
    setError(undefined)
    try {
      await client.auth.login(email.trim(), password)
      await signedIn()
      navigate(next, { replace: true })
    } catch (err) {
      setError(messageFor(err, 'login'))
    } finally {
      setPending(false)
    }
  }

  return (
    <section className="auth-page">
      <PageTitle title={ko.auth.loginTitle} />
      <h1>{ko.auth.loginTitle}</h1>
      {reason && <Notice>{reason}</Notice>}
      <form onSubmit={submit} noValidate className="panel">
        <Field label={ko.auth.email} type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
        <Field label={ko.auth.password} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        <Button type="submit" className="block" pending={pending} pendingLabel={ko.auth.signingIn}>
          {ko.auth.login}
        </Button>
      </form>
      <p className="auth-alt">
        {ko.auth.noAccount} <Link to={`/signup${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}>{ko.auth.toSignup}</Link>
      </p>
    </section>
  )
}
