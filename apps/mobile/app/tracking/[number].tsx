import { useLocalSearchParams } from 'expo-router'
import { TrackingScreen } from '../../src/screens/tracking-screen.tsx'

export default function TrackingRoute() {
  const { number } = useLocalSearchParams<{ number: string }>()
  return <TrackingScreen trackingNumber={number} />
}
