import { AccountScreen } from '../src/screens/account-screen.tsx'

export default AccountScreen
