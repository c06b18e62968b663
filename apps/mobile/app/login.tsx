import { useLocalSearchParams } from 'expo-router'
import { LoginScreen } from '../src/screens/auth-screens.tsx'

export default function LoginRoute() {
  const { next } = useLocalSearchParams<{ next?: string }>()
  return <LoginScreen next={next} />
}
