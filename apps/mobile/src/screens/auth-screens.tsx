import { useQueryClient } from '@tanstack/react-query'
import { type Href, useRouter } from 'expo-router'
import { useState } from 'react'
import { useShop } from '../api/shop.tsx'
import { messageFor } from '@shop/storefront-core/errors'
import { ko } from '@shop/storefront-core/ko'
import { Body, Button, ErrorNote, Field, Heading, LinkText, Screen } from '../ui/kit.tsx'

/** Only a path inside the app is a place to return to (never another site). */
export const safeNext = (next: string | undefined): string => (next && next.startsWith('/') && !next.startsWith('//') ? next : '/')

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** Sign in; afterwards the shopper goes back where they were (`next`). */
export function LoginScreen({ next }: { next?: string }) {
  const client = useShop()
  const qc = useQueryClient()
  const router = useRouter()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string>()
  const [pending, setPending] = useState(false)
  const submit = async () => {
    if (!EMAIL.test(email.trim())) return setError(ko.validation.email)
    if (!password) return setError(ko.validation.required(ko.auth.password))
    setPending(true)
    setError(undefined)
    try {
      const s = await client.auth.login(email.trim(), password)
      qc.removeQueries({ queryKey: ['profile'] })
      qc.removeQueries({ queryKey: ['orders'] })
      void s
      router.replace(safeNext(next) as Href)
    } catch (err) {
      setError(messageFor(err, 'login'))
    } finally {
      setPending(false)
    }
  }
  return (
    <Screen>
      <Heading>{ko.auth.loginTitle}</Heading>
      <Field label={ko.auth.email} value={email} onChangeText={setEmail} autoCapitalize="none" autoComplete="email" keyboardType="email-address" inputMode="email" />
      <Field label={ko.auth.password} value={password} onChangeText={setPassword} secureTextEntry autoComplete="current-password" onSubmitEditing={() => void submit()} />
      {error && <ErrorNote message={error} />}
      <Button label={ko.auth.login} pending={pending} pendingLabel={ko.auth.signingIn} onPress={() => void submit()} />
      <Body muted>{ko.auth.noAccount}</Body>
      <LinkText label={ko.auth.toSignup} onPress={() => router.replace({ pathname: '/signup', params: next ? { next } : {} })} />
    </Screen>
  )
}

/** Sign up; the new shopper is signed in and goes back where they were. */
export function SignupScreen({ next }: { next?: string }) {
  const client = useShop()
  const qc = useQueryClient()
  const router = useRouter()
  const [email, setEmail] = useState('')
  const [name, setName] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string>()
  const [pending, setPending] = useState(false)
  const submit = async () => {
    if (!EMAIL.test(email.trim())) return setError(ko.validation.email)
    if (!name.trim()) return setError(ko.validation.required(ko.auth.name))
    if (password.length < 10) return setError(ko.validation.password)
    setPending(true)
    setError(undefined)
    try {
      await client.auth.register({ email: email.trim(), password, name: name.trim() })
      qc.removeQueries({ queryKey: ['profile'] })
      router.replace(safeNext(next) as Href)
    } catch (err) {
      setError(messageFor(err, 'signup'))
    } finally {
      setPending(false)
    }
  }
  return (
    <Screen>
      <Heading>{ko.auth.signupTitle}</Heading>
      <Field label={ko.auth.email} value={email} onChangeText={setEmail} autoCapitalize="none" autoComplete="email" keyboardType="email-address" inputMode="email" />
      <Field label={ko.auth.name} value={name} onChangeText={setName} autoComplete="name" />
      <Field label={ko.auth.password} hint={ko.auth.passwordRule} value={password} onChangeText={setPassword} secureTextEntry autoComplete="new-password" onSubmitEditing={() => void submit()} />
      {error && <ErrorNote message={error} />}
      <Button label={ko.auth.signup} pending={pending} pendingLabel={ko.auth.signingUp} onPress={() => void submit()} />
      <LinkText label={ko.auth.toLogin} onPress={() => router.replace({ pathname: '/login', params: next ? { next } : {} })} />
    </Screen>
  )
}
