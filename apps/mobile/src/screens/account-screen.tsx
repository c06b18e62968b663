import type { Address, Profile } from '@shop/client'
import { useQueryClient } from '@tanstack/react-query'
import { useRouter } from 'expo-router'
import { useEffect, useState } from 'react'
import { useAuth, useShop } from '../api/shop.tsx'
import { type AddressErrors, type AddressForm, emptyAddress, toShippingAddress, validateAddress } from '@shop/storefront-core/checkout'
import { messageFor } from '@shop/storefront-core/errors'
import { ko } from '@shop/storefront-core/ko'
import { Body, Button, ErrorNote, Field, Heading, Loading, Panel, Row, Screen } from '../ui/kit.tsx'

function useSave() {
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string>()
  const [done, setDone] = useState<string>()
  const run = async (fn: () => Promise<unknown>, ok: string, screen?: 'password') => {
    setPending(true)
    setError(undefined)
    setDone(undefined)
    try {
      await fn()
      setDone(ok)
      return true
    } catch (err) {
      setError(messageFor(err, screen))
      return false
    } finally {
      setPending(false)
    }
  }
  return { pending, error, done, run }
}

function Addresses({ user }: { user: Profile }) {
  const client = useShop()
  const qc = useQueryClient()
  const save = useSave()
  const [form, setForm] = useState<AddressForm>(emptyAddress)
  const [label, setLabel] = useState('')
  const [errors, setErrors] = useState<AddressErrors>({})
  const put = (addresses: Address[], ok: string) =>
    save.run(async () => qc.setQueryData(['profile'], await client.auth.updateProfile({ addresses })), ok)
  return (
    <Panel>
      <Heading level={2}>{ko.account.addresses}</Heading>
      {user.addresses.length === 0 && <Body muted>{ko.account.noAddresses}</Body>}
      {user.addresses.map((a, i) => (
        <Row key={`${a.label}-${i}`}>
          <Body>
            {a.label} · {a.address1} ({a.postalCode})
          </Body>
          <Button variant="secondary" label={ko.account.removeAddress} accessibilityLabel={`${a.label} ${ko.account.removeAddress}`} onPress={() => void put(user.addresses.filter((_, j) => j !== i), ko.account.saved)} />
        </Row>
      ))}
      <Field label={ko.account.label} value={label} onChangeText={setLabel} />
      {(['recipient', 'phone', 'postalCode', 'address1', 'address2'] as const).map((k) => (
        <Field key={k} label={ko.checkout[k]} value={form[k]} error={errors[k]} onChangeText={(v) => setForm((f) => ({ ...f, [k]: v }))} />
      ))}
      {save.error && <ErrorNote message={save.error} />}
      {save.done && <Body>{save.done}</Body>}
      <Button
        label={ko.account.addAddress}
        pending={save.pending}
        onPress={async () => {
          const e = validateAddress(form)
          setErrors(e)
          if (Object.keys(e).length) return
          const a = toShippingAddress(form)
          const ok = await put([...user.addresses, { label: label.trim() || `배송지 ${user.addresses.length + 1}`, ...a, address2: a.address2 ?? '' }], ko.account.saved)
          if (ok) {
            setForm(emptyAddress)
            setLabel('')
          }
        }}
      />
    </Panel>
  )
}

/** The shopper's profile, saved addresses, password change and sign out. */
export function AccountScreen() {
  const auth = useAuth()
  const client = useShop()
  const qc = useQueryClient()
  const router = useRouter()
  const profile = useSave()
  const password = useSave()
  const [name, setName] = useState('')
  const [phone, setPhone] = useState('')
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const user = auth.status === 'signedIn' ? auth.user : null
  useEffect(() => {
    if (auth.status === 'signedOut') router.replace({ pathname: '/login', params: { next: '/account' } })
  }, [auth.status, router])
  useEffect(() => {
    if (!user) return
    setName(user.name)
    setPhone(user.phone ?? '')
  }, [user])
  if (!user) return <Loading />
  return (
    <Screen onRefresh={() => void qc.invalidateQueries({ queryKey: ['profile'] })}>
      <Heading>{ko.account.title}</Heading>
      <Panel>
        <Heading level={2}>{ko.account.profile}</Heading>
        <Body muted>{user.email}</Body>
        <Field label={ko.auth.name} value={name} onChangeText={setName} />
        <Field label={ko.checkout.phone} value={phone} onChangeText={setPhone} keyboardType="phone-pad" />
        {profile.error && <ErrorNote message={profile.error} />}
        {profile.done && <Body>{profile.done}</Body>}
        <Button
          label={ko.account.save}
          pending={profile.pending}
          onPress={() => void profile.run(async () => qc.setQueryData(['profile'], await client.auth.updateProfile({ name: name.trim(), ...(phone.trim() ? { phone: phone.trim() } : {}) })), ko.account.saved)}
        />
      </Panel>
      <Addresses user={user} />
      <Panel>
        <Heading level={2}>{ko.account.passwordTitle}</Heading>
        <Field label={ko.account.currentPassword} value={current} onChangeText={setCurrent} secureTextEntry autoComplete="current-password" />
        <Field label={ko.account.newPassword} value={next} onChangeText={setNext} secureTextEntry autoComplete="new-password" hint={ko.auth.passwordRule} />
        {password.error && <ErrorNote message={password.error} />}
        {password.done && <Body>{password.done}</Body>}
        <Button
          label={ko.account.changePassword}
          pending={password.pending}
          onPress={async () => {
            if (await password.run(() => client.auth.changePassword(current, next), ko.account.passwordChanged, 'password')) {
              setCurrent('')
              setNext('')
            }
          }}
        />
      </Panel>
      <Button variant="secondary" label={ko.account.logout} onPress={() => void auth.signOut()} />
    </Screen>
  )
}
