import { groupCard } from '@shop/storefront-core/checkout'
import { messageFor } from '@shop/storefront-core/errors'
import { formatWon } from '@shop/storefront-core/format'
import { ko } from '@shop/storefront-core/ko'
import { PAYMENT_METHODS, testCardName } from '@shop/storefront-core/payment'
import { type PaymentFormProps, usePaymentForm } from '@shop/storefront-core/use-payment-form'
import { Pressable, StyleSheet, Text, View } from 'react-native'
import { useShop } from '../api/shop.tsx'
import { Body, Button, colors, ErrorNote, Field, Loading } from '../ui/kit.tsx'

/**
 * Payment method, card number and 결제하기. `prepare` runs first (the checkout places the
 * order there, once); a declined card says why in Korean and leaves the same order payable.
 */
export function PaymentForm(props: PaymentFormProps) {
  const { methods, simulator, method, setMethod, card, typeCard, cardError, failure, pending, submit } = usePaymentForm(useShop(), props)

  if (methods.isPending) return <Loading />
  if (methods.isError) return <ErrorNote message={messageFor(methods.error)} onRetry={() => void methods.refetch()} />
  return (
    <View style={st.form}>
      <Text style={st.label}>{ko.checkout.method}</Text>
      <View role="radiogroup" accessibilityLabel={ko.checkout.method} style={st.methods}>
        {PAYMENT_METHODS.map((m) => (
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
          onChangeText={typeCard}
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
              const name = testCardName(c.outcome)
              return (
                <Pressable key={c.number} role="button" accessibilityLabel={`${groupCard(c.number)} ${name}`} onPress={() => typeCard(groupCard(c.number))}>
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
      <Button label={ko.checkout.pay(formatWon(props.amount))} pending={pending} pendingLabel={ko.checkout.paying} disabled={!simulator} onPress={() => void submit()} />
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
