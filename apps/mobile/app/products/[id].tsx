import { useLocalSearchParams } from 'expo-router'
import { ProductScreen } from '../../src/screens/product-screen.tsx'

export default function ProductRoute() {
  const { id } = useLocalSearchParams<{ id: string }>()
  return <ProductScreen id={id} />
}
