import { CartScreen } from '../src/screens/cart-screen.tsx'

export default CartScreen
