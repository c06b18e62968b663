import { useLocalSearchParams } from 'expo-router'
import { SignupScreen } from '../src/screens/auth-screens.tsx'

export default function SignupRoute() {
  const { next } = useLocalSearchParams<{ next?: string }>()
  return <SignupScreen next={next} />
}
