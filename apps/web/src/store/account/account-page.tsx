import type { Address, Profile } from '@shop/client'
import { useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { Navigate, useNavigate } from 'react-router'
import { useAuth, useShop } from '../../api/shop.tsx'
import { messageFor } from '@shop/storefront-core/errors'
import { ko } from '@shop/storefront-core/ko'
import { Button, Field, Loading, Notice, PageTitle } from '../../ui/primitives.tsx'
import { type AddressErrors, type AddressForm, emptyAddress, toShippingAddress, validateAddress } from '@shop/storefront-core/checkout'

function useSaveProfile() {
  const client = useShop()
  const qc = useQueryClient()
  return async (patch: Parameters<typeof client.auth.updateProfile>[0]) => {
    const saved = await client.auth.updateProfile(patch)
    qc.setQueryData(['profile'], saved)
    return saved
  }
}

function ProfileForm({ user }: { user: Profile }) {
  const save = useSaveProfile()
  const [name, setName] = useState(user.name)
  const [phone, setPhone] = useState(user.phone ?? '')
  const [state, setState] = useState<{ pending?: boolean; done?: boolean; error?: string }>({})
  async function submit(e: FormEvent) {
    e.preventDefault()
    if (!name.trim()) return setState({ error: ko.validation.required(ko.auth.name) })
    setState({ pending: true })
    try {
      await save({ name: name.trim(), ...(phone.trim() ? { phone: phone.trim() } : {}) })
      setState({ done: true })
    } catch (err) {
      setState({ error: messageFor(err) })
    }
  }
  return (
    <form onSubmit={submit} className="panel" aria-labelledby="profile-h" noValidate>
      <h2 id="profile-h">{ko.account.profile}</h2>
      <p className="muted">
        {user.email} · {user.roles.map((r) => ko.account.roles[r] ?? r).join(', ')}
      </p>
      <Field label={ko.auth.name} value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
      <Field label={ko.checkout.phone} value={phone} onChange={(e) => setPhone(e.target.value)} autoComplete="tel" inputMode="tel" />
      {state.error && <p className="field-error" role="alert">{state.error}</p>}
      {state.done && <Notice tone="success">{ko.account.saved}</Notice>}
      <Button type="submit" pending={state.pending}>
        {ko.account.save}
      </Button>
    </form>
  )
}

function Addresses({ user }: { user: Profile }) {
  const save = useSaveProfile()
  const [adding, setAdding] = useState(false)
  const [label, setLabel] = useState('')
  const [form, setForm] = useState<AddressForm>(emptyAddress)
  const [errors, setErrors] = useState<AddressErrors>({})
  const [state, setState] = useState<{ pending?: boolean; error?: string }>({})
  const write = async (addresses: Address[]) => {
    setState({ pending: true })
    try {
      await save({ addresses })
      setState({})
      return true
    } catch (err) {
      setState({ error: messageFor(err) })
      return false
    }
  }
  async function add(e: FormEvent) {
    e.preventDefault()
    const v = validateAddress(form)
    setErrors(v)
    if (Object.keys(v).length) return
    const a = toShippingAddress(form)
    const ok = await write([...user.addresses, { label: label.trim() || `배송지 ${user.addresses.length + 1}`, ...a, address2: a.address2 ?? '' }])
    if (ok) {
      setAdding(false)
      setForm(emptyAddress)
      setLabel('')
    }
  }
  const fields: [keyof AddressForm, string][] = [
    ['recipient', ko.checkout.recipient],
    ['phone', ko.checkout.phone],
    ['postalCode', ko.checkout.postalCode],
    ['address1', ko.checkout.address1],
    ['address2', ko.checkout.address2],
  ]
  return (
    <section className="panel" aria-labelledby="addr-h">
      <h2 id="addr-h">{ko.account.addresses}</h2>
      {user.addresses.length === 0 ? (
        <p className="muted">{ko.account.noAddresses}</p>
      ) : (
        <ul className="address-list">
          {user.addresses.map((a, i) => (
            <li key={`${a.label}-${i}`}>
              <span>
                <strong>{a.label}</strong> {a.recipient} · {a.phone}
                <br />({a.postalCode}) {a.address1} {a.address2}
              </span>
              <Button variant="ghost" aria-label={`${a.label} ${ko.account.removeAddress}`} pending={state.pending} onClick={() => write(user.addresses.filter((_, j) => j !== i))}>
                {ko.account.removeAddress}
              </Button>
            </li>
          ))}
        </ul>
      )}
      {state.error && <p className="field-error" role="alert">{state.error}</p>}
      {adding ? (
        <form onSubmit={add} noValidate>
          <Field label={ko.account.label} value={label} onChange={(e) => setLabel(e.target.value)} placeholder="집, 회사" />
          {fields.map(([k, l]) => (
            <Field key={k} label={l} value={form[k]} error={errors[k]} onChange={(e) => setForm((f) => ({ ...f, [k]: e.target.value }))} />
          ))}
          <div className="row">
            <Button type="submit" pending={state.pending}>
              {ko.account.save}
            </Button>
            <Button variant="secondary" onClick={() => setAdding(false)}>
              {ko.common.back}
            </Button>
          </div>
        </form>
      ) : (
        <Button variant="secondary" onClick={() => setAdding(true)}>
          {ko.account.addAddress}
        </Button>
      )}
    </section>
  )
}

function PasswordForm() {
  const client = useShop()
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [state, setState] = useState<{ pending?: boolean; done?: boolean; error?: string }>({})
  async function submit(e: FormEvent) {
    e.preventDefault()
    if (next.length < 10) return setState({ error: ko.validation.password })
    setState({ pending: true })
    try {
      await client.auth.changePassword(current, next)
      setCurrent('')
      setNext('')
      setState({ done: true })
    } catch (err) {
      setState({ error: messageFor(err, 'password') })
    }
  }
  return (
    <form onSubmit={submit} className="panel" aria-labelledby="pw-h" noValidate>
      <h2 id="pw-h">{ko.account.passwordTitle}</h2>
      <Field label={ko.account.currentPassword} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
      <Field label={ko.account.newPassword} type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} hint={ko.auth.passwordRule} />
      {state.error && <p className="field-error" role="alert">{state.error}</p>}
      {state.done && <Notice tone="success">{ko.account.passwordChanged}</Notice>}
      <Button type="submit" pending={state.pending}>
        {ko.account.changePassword}
      </Button>
    </form>
  )
}

export function AccountPage() {
  const { status, user, logout } = useAuth()
  const navigate = useNavigate()
  if (status === 'signedOut') return <Navigate to="/login?next=%2Faccount" replace />
  if (status === 'unknown' || !user) return <Loading />
  return (
    <>
      <PageTitle title={ko.account.title} />
      <h1>{ko.account.title}</h1>
      <div className="account-grid">
        <ProfileForm user={user} />
        <Addresses user={user} />
        <PasswordForm />
      </div>
      <Button
        variant="secondary"
        onClick={async () => {
          await logout()
          navigate('/')
        }}
      >
        {ko.account.logout}
      </Button>
    </>
  )
}
