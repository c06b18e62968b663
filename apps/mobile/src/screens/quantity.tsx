import { Pressable, StyleSheet, Text, TextInput, View } from 'react-native'
import { colors } from '../ui/kit.tsx'

/** A quantity with − and + (a spinbutton named 수량 to a screen reader); typed digits are taken as they are. */
export function Quantity({ value, max, onChange, label = '수량' }: { value: number; max: number; onChange: (n: number) => void; label?: string }) {
  const clamp = (n: number) => Math.max(1, Math.min(max, n))
  return (
    <View style={st.row}>
      <Pressable role="button" accessibilityLabel={`${label} 줄이기`} onPress={() => onChange(clamp(value - 1))} disabled={value <= 1} style={st.step}>
        <Text style={st.stepText}>−</Text>
      </Pressable>
      <TextInput
        role="spinbutton"
        accessibilityLabel={label}
        aria-valuemin={1}
        aria-valuemax={max}
        aria-valuenow={value}
        value={String(value)}
        keyboardType="number-pad"
        inputMode="numeric"
        onChangeText={(t) => {
          const n = Number(t.replace(/[^0-9]/g, ''))
          if (Number.isInteger(n) && n > 0) onChange(clamp(n))
        }}
        style={st.input}
      />
      <Pressable role="button" accessibilityLabel={`${label} 늘리기`} onPress={() => onChange(clamp(value + 1))} disabled={value >= max} style={st.step}>
        <Text style={st.stepText}>+</Text>
      </Pressable>
    </View>
  )
}

const st = StyleSheet.create({
  row: { flexDirection: 'row', alignItems: 'center', gap: 6 },
  step: { width: 40, height: 40, borderRadius: 8, borderWidth: 1, borderColor: colors.line, alignItems: 'center', justifyContent: 'center', backgroundColor: colors.paper },
  stepText: { fontSize: 20, color: colors.ink },
  input: { width: 56, height: 40, borderWidth: 1, borderColor: colors.line, borderRadius: 8, textAlign: 'center', fontSize: 16, backgroundColor: colors.paper, color: colors.ink },
})
