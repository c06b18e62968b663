import { useRouter } from 'expo-router'
import { ko } from '@shop/storefront-core/ko'
import { Empty, LinkText, Screen } from '../src/ui/kit.tsx'

export default function NotFound() {
  const router = useRouter()
  return (
    <Screen>
      <Empty message={ko.common.notFoundTitle} hint={ko.common.notFoundHint} />
      <LinkText label={ko.common.goHome} onPress={() => router.navigate('/')} />
    </Screen>
  )
}
