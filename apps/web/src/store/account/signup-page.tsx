import { type FormEvent, useState } from 'react'
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router'
import { useAuth, useShop } from '../../api/shop.tsx'
import { messageFor } from '@shop/storefront-core/errors'
import { ko } from '@shop/storefront-core/ko'
import { Button, Field, PageTitle } from '../../ui/primitives.tsx'
import { safeNext } from './login-page.tsx'

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export function validateSignup(v: { email: string; name: string; password: string }): Partial<Record<'email' | 'name' | 'password', string>> {
  const e: Partial<Record<'email' | 'name' | 'password', string>> = {}
  if (!v.email.trim()) e.email = ko.validation.required(ko.auth.email)
  else if (!EMAIL.test(v.email.trim())) e.email = ko.validation.email
  if (!v.name.trim()) e.name = ko.validation.required(ko.auth.name)
  if (v.password.length < 10) e.password = ko.validation.password
  return e
}

export function SignupPage() {
  const client = useShop()
  const { status, signedIn } = useAuth()
  const navigate = useNavigate()
  const [params] = useSearchParams()
  const next = safeNext(params.get('next'))
  const [form, setForm] = useState({ email: '', name: '', password: '' })
  const [errors, setErrors] = useState<ReturnType<typeof validateSignup>>({})
  const [error, setError] = useState<string>()
  const [pending, setPending] = useState(false)

  if (status === 'signedIn' && !pending) return <Navigate to={next} replace />

  async function submit(e: FormEvent) {
    e.preventDefault()
    const v = validateSignup(form)
    setErrors(v)
    if (Object.keys(v).length) return
    setPending(true)
    setError(undefined)
    try {
      await client.auth.register({ email: form.email.trim(), name: form.name.trim(), password: form.password })
      await signedIn()
      navigate(next, { replace: true })
    } catch (err) {
      setError(messageFor(err, 'signup'))
    } finally {
      setPending(false)
    }
  }
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }))

  return (
    <section className="auth-page">
      <PageTitle title={ko.auth.signupTitle} />
      <h1>{ko.auth.signupTitle}</h1>
      <form onSubmit={submit} noValidate className="panel">
        <Field label={ko.auth.email} type="email" autoComplete="email" value={form.email} onChange={set('email')} error={errors.email} required />
        <Field label={ko.auth.name} autoComplete="name" value={form.name} onChange={set('name')} error={errors.name} required />
        <Field label={ko.auth.password} type="password" autoComplete="new-password" value={form.password} onChange={set('password')} error={errors.password} hint={ko.auth.passwordRule} required />
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        <Button type="submit" className="block" pending={pending} pendingLabel={ko.auth.signingUp}>
          {ko.auth.signup}
        </Button>
      </form>
      <p className="auth-alt">
        <Link to={`/login${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}>{ko.auth.toLogin}</Link>
      </p>
    </section>
  )
}
