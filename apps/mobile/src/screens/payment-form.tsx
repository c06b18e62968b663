import type { Order, Payment, PaymentMethod } from '@shop/client'
import { useQuery } from '@tanstack/react-query'
import { useRef, useState } from 'react'
import { Pressable, StyleSheet, Text, View } from 'react-native'
import { createAttemptKeys, payOrder, paymentMethodsQuery } from '../api/queries.ts'
import { useShop } from '../api/shop.tsx'
import { cardDigits, groupCard } from '../checkout/validate.ts'
import { messageFor, messageForCode } from '../i18n/errors.ts'
import { ko } from '../i18n/ko.ts'
import { formatWon } from '../ui/format.ts'
import { Body, Button, colors, ErrorNote, Field, Loading } from '../ui/kit.tsx'

const METHODS: PaymentMethod[] = ['card', 'transfer', 'easy_pay']

/**
 * Payment method, card number and 결제하기. `prepare` runs first (the checkout places the
 * order there, once); a declined card says why in Korean and leaves the same order payable.
 */
export function PaymentForm({
  amount,
  prepare,
  onPaid,
  beforeSubmit,
}: {
  amount: number
  prepare: () => Promise<Pick<Order, 'id' | 'total'> | null>
  onPaid: (payment: Payment) => void
  beforeSubmit?: () => boolean
}) {
  const client = useShop()
  const methods = useQuery(paymentMethodsQuery(client))
  const [method, setMethod] = useState<PaymentMethod>('card')
  const [card, setCard] = useState('')
  const [cardError, setCardError] = useState<string>()
  const [failure, setFailure] = useState<string>()
  const [pending, setPending] = useState(false)
  const keys = useRef(createAttemptKeys()).current
  const inFlight = useRef(false)
  const simulator = methods.data?.provider === 'simulator'

  function token(): string | null {
    if (!methods.data || !simulator) return null
    if (method !== 'card') return 'tok_success'
    return methods.data.testCards?.find((c) => c.number === cardDigits(card))?.paymentToken ?? null
  }

  async function submit() {
    // a second tap while the first is on its way does nothing
    if (inFlight.current) return
    setFailure(undefined)
    const addressOk = beforeSubmit ? beforeSubmit() : true
    const t = token()
    if (method === 'card' && !t) {
      setCardError(cardDigits(card) ? '시뮬레이터에서는 아래 테스트 카드만 쓸 수 있어요.' : ko.validation.cardNumber)
      return
    }
    setCardError(undefined)
    if (!addressOk || !t) return
    inFlight.current = true
    setPending(true)
    try {
      const order = await prepare()
      if (!order) return
      const payment = await payOrder(client, order, method, t, keys.key())
      keys.settled()
      if (payment.status === 'FAILED') setFailure(messageForCode(payment.failureCode ?? undefined))
      else onPaid(payment)
    } catch (err) {
      // an answer we did not get keeps its key: paying again asks for the same charge, never a second
      const code = (err as { code?: string }).code
      if (code !== 'network' && code !== 'upstream_unavailable') keys.settled()
      setFailure(messageFor(err, 'pay'))
    } finally {
      inFlight.current = false
      setPending(false)
    }
  }

  if (methods.isPending) return <Loading />
  if (methods.isError) return <ErrorNote message={messageFor(methods.error)} onRetry={() => void methods.refetch()} />
  return (
    <View style={st.form}>
      <Text style={st.label}>{ko.checkout.method}</Text>
      <View role="radiogroup" accessibilityLabel={ko.checkout.method} style={st.methods}>
        {METHODS.map((m) => (
          <Pressable key={m} role="radio" aria-checked={method === m} accessibilityLabel={ko.checkout.methods[m]} onPress={() => setMethod(m)} style={[st.method, method === m && st.methodOn]}>
            <Text style={[st.methodText, method === m && st.methodTextOn]}>{ko.checkout.methods[m]}</Text>
          </Pressable>
        ))}
      </View>
      {!simulator && <Body>이 앱은 결제 시뮬레이터 전용이에요. 실제 결제사({methods.data.provider}) 결제창 연동은 아직 없어 결제할 수 없습니다.</Body>}
      {method === 'card' && (
        <Field
          label={ko.checkout.cardNumber}
          value={card}
          onChangeText={(v) => setCard(v.replace(/[^0-9 -]/g, '').slice(0, 19))}
          keyboardType="number-pad"
          inputMode="numeric"
          autoComplete="cc-number"
          placeholder="0000 0000 0000 0000"
          error={cardError}
        />
      )}
      {simulator && (
        <View style={st.cards}>
          <Body muted>{ko.checkout.simulatorNote}</Body>
          {method === 'card' && <Text style={st.label}>{ko.checkout.testCards}</Text>}
          {method === 'card' &&
            methods.data.testCards?.map((c) => {
              const name = c.outcome === 'approved' ? ko.checkout.testCardNames.success : c.outcome === 'card_declined' ? ko.checkout.testCardNames.declined : ko.checkout.testCardNames.insufficient
              return (
                <Pressable key={c.number} role="button" accessibilityLabel={`${groupCard(c.number)} ${name}`} onPress={() => setCard(groupCard(c.number))}>
                  <Text style={st.testCard}>
                    {groupCard(c.number)} <Text style={st.muted}>{name}</Text>
                  </Text>
                </Pressable>
              )
            })}
        </View>
      )}
      {failure && (
        <View role="alert" style={st.failure}>
          <Text style={st.failureText}>{failure}</Text>
        </View>
      )}
      <Button label={ko.checkout.pay(formatWon(amount))} pending={pending} pendingLabel={ko.checkout.paying} disabled={!simulator} onPress={() => void submit()} />
    </View>
  )
}

const st = StyleSheet.create({
  form: { gap: 10 },
  label: { fontSize: 14, fontWeight: '600', color: colors.ink },
  methods: { flexDirection: 'row', gap: 8 },
  method: { flex: 1, paddingVertical: 10, borderRadius: 8, borderWidth: 1, borderColor: colors.line, alignItems: 'center', backgroundColor: colors.paper },
  methodOn: { borderColor: colors.brand, backgroundColor: '#e8efff' },
  methodText: { color: colors.ink },
  methodTextOn: { color: colors.brand, fontWeight: '700' },
  cards: { gap: 6 },
  testCard: { color: colors.brand, fontSize: 15, paddingVertical: 4 },
  muted: { color: colors.muted, fontSize: 13 },
  failure: { padding: 12, borderRadius: 8, backgroundColor: '#fdecec' },
  failureText: { color: colors.danger, fontSize: 15 },
})
