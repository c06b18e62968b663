import { useLocalSearchParams } from 'expo-router'
import { OrderScreen } from '../../src/screens/order-screen.tsx'

export default function OrderRoute() {
  const { id } = useLocalSearchParams<{ id: string }>()
  return <OrderScreen id={id} />
}
