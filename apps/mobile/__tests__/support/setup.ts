import { configure } from '@testing-library/react-native'
import { resetRouter } from './router.ts'

// Screens navigate with expo-router's router; the tests record where they asked to go.
jest.mock('expo-router', () => ({
  useRouter: () => jest.requireActual('./router.ts').router,
}))

beforeEach(() => resetRouter())

// The cart's device storage has no native module under Jest; the tests give the cart their own storage.
jest.mock('@react-native-async-storage/async-storage', () => jest.requireActual('@react-native-async-storage/async-storage/jest/async-storage-mock'))

// findBy*/waitFor wait for what the screen shows next, not for a deadline. A first run on a
// cold transform cache loads each screen's modules as it goes: the stream follower's first frame
// took 17 s on a busy two-core machine, far past the library's default second. So they may wait
// up to twenty seconds, and a test up to sixty (package.json).
configure({ asyncUtilTimeout: 20_000 })
