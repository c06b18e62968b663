import { useQuery } from '@tanstack/react-query'
import { useRouter } from 'expo-router'
import { useEffect, useState } from 'react'
import { Pressable, StyleSheet, Text, TextInput, View } from 'react-native'
import { useShop } from '../api/shop.tsx'
import { ko } from '@shop/storefront-core/ko'
import { colors } from '../ui/kit.tsx'

/** The search box on every screen; as the shopper types, the first matching products are offered. */
export function SearchBox() {
  const client = useShop()
  const router = useRouter()
  const [text, setText] = useState('')
  const [term, setTerm] = useState('')
  const [open, setOpen] = useState(false)
  // ask once the typing pauses, not on every key
  useEffect(() => {
    const t = setTimeout(() => setTerm(text.trim()), 250)
    return () => clearTimeout(t)
  }, [text])
  const suggestions = useQuery({
    queryKey: ['suggest', term],
    queryFn: () => client.products.list({ q: term, limit: 5 }),
    enabled: open && term.length >= 1,
    staleTime: 60_000,
  })
  const submit = () => {
    const q = text.trim()
    if (!q) return
    setOpen(false)
    router.push({ pathname: '/search', params: { q } })
  }
  const items = open && term ? (suggestions.data?.items ?? []) : []
  return (
    <View>
      <TextInput
        role="searchbox"
        accessibilityLabel={ko.nav.search}
        placeholder={ko.nav.search}
        placeholderTextColor={colors.muted}
        value={text}
        onChangeText={(v) => {
          setText(v)
          setOpen(true)
        }}
        onSubmitEditing={submit}
        returnKeyType="search"
        enterKeyHint="search"
        style={st.input}
      />
      {items.length > 0 && (
        <View style={st.list} role="list" accessibilityLabel="검색어 추천">
          {items.map((p) => (
            <Pressable
              key={p.id}
              role="link"
              accessibilityLabel={p.name}
              style={st.item}
              onPress={() => {
                setOpen(false)
                router.push(`/products/${p.id}`)
              }}
            >
              <Text style={st.itemText}>{p.name}</Text>
            </Pressable>
          ))}
        </View>
      )}
    </View>
  )
}

const st = StyleSheet.create({
  input: { minHeight: 42, borderRadius: 21, paddingHorizontal: 16, backgroundColor: colors.soft, fontSize: 16, color: colors.ink, borderWidth: 1, borderColor: colors.line },
  list: { marginTop: 4, backgroundColor: colors.paper, borderRadius: 10, borderWidth: 1, borderColor: colors.line },
  item: { paddingVertical: 10, paddingHorizontal: 14 },
  itemText: { fontSize: 15, color: colors.ink },
})
