import { useLocalSearchParams } from 'expo-router'
import { type ListingParams, ListingScreen } from '../../src/screens/listing-screen.tsx'

export default function CategoryRoute() {
  const { slug, ...rest } = useLocalSearchParams<Record<keyof ListingParams | 'slug', string>>()
  return <ListingScreen params={{ ...rest, category: slug }} />
}
