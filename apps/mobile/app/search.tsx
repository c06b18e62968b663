import { useLocalSearchParams } from 'expo-router'
import { type ListingParams, ListingScreen } from '../src/screens/listing-screen.tsx'

export default function SearchRoute() {
  return <ListingScreen params={useLocalSearchParams<Record<keyof ListingParams, string>>()} />
}
