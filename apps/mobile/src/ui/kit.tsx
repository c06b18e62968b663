import type { ReactNode } from 'react'
import {
  ActivityIndicator,
  KeyboardAvoidingView,
  Platform,
  Pressable,
  RefreshControl,
  ScrollView,
  StyleSheet,
  Text,
  TextInput,
  type TextInputProps,
  View,
} from 'react-native'
import { ko } from '@shop/storefront-core/ko'
import { formatWon } from '@shop/storefront-core/format'

export const colors = { ink: '#1d2330', muted: '#5b6475', line: '#d9dde5', brand: '#1f5eff', danger: '#c62828', paper: '#ffffff', soft: '#f4f6fa', ok: '#1b7f3b' }

/**
 * A screen's scrolling body. The keyboard never hides the field being typed: the view
 * shrinks above it (iOS insets, Android resizes) and taps on buttons go through while it is open.
 */
export function Screen({ children, onRefresh, refreshing = false }: { children: ReactNode; onRefresh?: () => void; refreshing?: boolean }) {
  return (
    <KeyboardAvoidingView style={s.fill} behavior={Platform.OS === 'ios' ? 'padding' : undefined}>
      <ScrollView
        style={s.fill}
        contentContainerStyle={s.screen}
        keyboardShouldPersistTaps="handled"
        automaticallyAdjustKeyboardInsets
        refreshControl={onRefresh ? <RefreshControl refreshing={refreshing} onRefresh={onRefresh} /> : undefined}
      >
        {children}
      </ScrollView>
    </KeyboardAvoidingView>
  )
}

export function Heading({ children, level = 1 }: { children: ReactNode; level?: 1 | 2 }) {
  return (
    <Text role="heading" aria-level={level} style={level === 1 ? s.h1 : s.h2}>
      {children}
    </Text>
  )
}

export function Body({ children, muted }: { children: ReactNode; muted?: boolean }) {
  return <Text style={muted ? s.muted : s.body}>{children}</Text>
}

export function Money({ amount, strong }: { amount: number; strong?: boolean }) {
  return <Text style={strong ? s.moneyStrong : s.body}>{formatWon(amount)}</Text>
}

export function Button({
  label,
  onPress,
  pending,
  pendingLabel,
  disabled,
  variant = 'primary',
  accessibilityLabel,
}: {
  label: string
  onPress: () => void
  pending?: boolean
  pendingLabel?: string
  disabled?: boolean
  variant?: 'primary' | 'secondary' | 'danger'
  accessibilityLabel?: string
}) {
  const off = Boolean(disabled || pending)
  return (
    <Pressable
      role="button"
      accessibilityLabel={accessibilityLabel ?? label}
      accessibilityState={{ disabled: off, busy: Boolean(pending) }}
      aria-disabled={off}
      disabled={off}
      onPress={onPress}
      style={({ pressed }) => [s.button, variant === 'secondary' && s.buttonSecondary, variant === 'danger' && s.buttonDanger, (pressed || off) && s.dim]}
    >
      {pending && <ActivityIndicator color={variant === 'secondary' ? colors.brand : colors.paper} />}
      <Text style={[s.buttonText, variant === 'secondary' && s.buttonTextSecondary]}>{pending && pendingLabel ? pendingLabel : label}</Text>
    </Pressable>
  )
}

/** Text that navigates, read as a link. */
export function LinkText({ label, onPress, accessibilityLabel }: { label: string; onPress: () => void; accessibilityLabel?: string }) {
  return (
    <Pressable role="link" accessibilityLabel={accessibilityLabel ?? label} onPress={onPress} hitSlop={8}>
      <Text style={s.link}>{label}</Text>
    </Pressable>
  )
}

/** A labelled text field: the label is what a screen reader reads and a test finds it by. */
export function Field({ label, error, hint, ...input }: { label: string; error?: string; hint?: string } & TextInputProps) {
  return (
    <View style={s.field}>
      <Text style={s.label}>{label}</Text>
      <TextInput
        accessibilityLabel={label}
        aria-invalid={Boolean(error)}
        placeholderTextColor={colors.muted}
        style={[s.input, error ? s.inputError : null]}
        {...input}
      />
      {hint && !error ? <Text style={s.muted}>{hint}</Text> : null}
      {error ? (
        <Text role="alert" style={s.error}>
          {error}
        </Text>
      ) : null}
    </View>
  )
}

export function Loading({ label = ko.common.loading }: { label?: string }) {
  return (
    <View style={s.center} role="progressbar" accessibilityLabel={label} aria-busy>
      <ActivityIndicator color={colors.brand} />
      <Text style={s.muted}>{label}</Text>
    </View>
  )
}

/** A failure, what it means in Korean, and the way to try again. */
export function ErrorNote({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <View style={s.errorBox} role="alert">
      <Text style={s.error}>{message}</Text>
      {onRetry && <Button variant="secondary" label={ko.common.retry} onPress={onRetry} />}
    </View>
  )
}

export function Empty({ message, hint }: { message: string; hint?: string }) {
  return (
    <View style={s.center}>
      <Text style={s.body}>{message}</Text>
      {hint ? <Text style={s.muted}>{hint}</Text> : null}
    </View>
  )
}

export function Row({ children }: { children: ReactNode }) {
  return <View style={s.row}>{children}</View>
}

export function Panel({ children }: { children: ReactNode }) {
  return <View style={s.panel}>{children}</View>
}

export const s = StyleSheet.create({
  fill: { flex: 1, backgroundColor: colors.soft },
  screen: { padding: 16, gap: 12, paddingBottom: 48 },
  h1: { fontSize: 22, fontWeight: '700', color: colors.ink },
  h2: { fontSize: 17, fontWeight: '700', color: colors.ink, marginTop: 4 },
  body: { fontSize: 15, color: colors.ink },
  muted: { fontSize: 13, color: colors.muted },
  moneyStrong: { fontSize: 18, fontWeight: '700', color: colors.ink },
  link: { fontSize: 15, color: colors.brand, fontWeight: '600' },
  button: { minHeight: 48, borderRadius: 10, backgroundColor: colors.brand, alignItems: 'center', justifyContent: 'center', flexDirection: 'row', gap: 8, paddingHorizontal: 16 },
  buttonSecondary: { backgroundColor: colors.paper, borderWidth: 1, borderColor: colors.brand },
  buttonDanger: { backgroundColor: colors.danger },
  buttonText: { color: colors.paper, fontSize: 16, fontWeight: '700' },
  buttonTextSecondary: { color: colors.brand },
  dim: { opacity: 0.6 },
  field: { gap: 4 },
  label: { fontSize: 14, fontWeight: '600', color: colors.ink },
  input: { minHeight: 44, borderWidth: 1, borderColor: colors.line, borderRadius: 8, paddingHorizontal: 12, fontSize: 16, backgroundColor: colors.paper, color: colors.ink },
  inputError: { borderColor: colors.danger },
  error: { color: colors.danger, fontSize: 14 },
  errorBox: { padding: 12, gap: 8, borderRadius: 8, backgroundColor: '#fdecec' },
  center: { padding: 24, alignItems: 'center', gap: 8 },
  row: { flexDirection: 'row', alignItems: 'center', justifyContent: 'space-between', gap: 8 },
  panel: { backgroundColor: colors.paper, borderRadius: 12, padding: 14, gap: 8, borderWidth: 1, borderColor: colors.line },
})
