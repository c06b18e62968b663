import { resetRouter } from './router.ts'

// Screens navigate with expo-router's router; the tests record where they asked to go.
jest.mock('expo-router', () => ({
  useRouter: () => jest.requireActual('./router.ts').router,
}))

beforeEach(() => resetRouter())

// The cart's device storage has no native module under Jest; the tests give the cart their own storage.
jest.mock('@react-native-async-storage/async-storage', () => jest.requireActual('@react-native-async-storage/async-storage/jest/async-storage-mock'))
