import { MyOrdersScreen } from '../../src/screens/my-orders-screen.tsx'

export default MyOrdersScreen
