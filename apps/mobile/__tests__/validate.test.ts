import { cardDigits, emptyAddress, groupCard, normalisePhone, toShippingAddress, validateAddress } from '../src/checkout/validate.ts'

const good = { recipient: '김하늘', phone: '01023456789', postalCode: '63100', address1: '제주특별자치도 제주시 첨단로 242', address2: '' }

describe('checkout validation', () => {
  it('an empty address names every required field in Korean', () => {
    expect(validateAddress(emptyAddress)).toEqual({
      recipient: '받는 분을 입력해 주세요.',
      phone: '휴대폰 번호를 입력해 주세요.',
      postalCode: '우편번호를 입력해 주세요.',
      address1: '주소를 입력해 주세요.',
    })
  })

  it('a malformed phone number or postal code is refused with the expected form', () => {
    const e = validateAddress({ ...good, phone: '02-123-4567', postalCode: '6310' })
    expect(e.phone).toBe('휴대폰 번호를 010-1234-5678 형식으로 입력해 주세요.')
    expect(e.postalCode).toBe('우편번호는 숫자 5자리예요.')
  })

  it('a sound address has no errors and ships with a normalised phone and no empty detail line', () => {
    expect(validateAddress(good)).toEqual({})
    expect(toShippingAddress(good)).toEqual({ recipient: '김하늘', phone: '010-2345-6789', postalCode: '63100', address1: '제주특별자치도 제주시 첨단로 242' })
    expect(normalisePhone('0111234567')).toBe('011-123-4567')
  })

  it('a card number is its 16 digits whatever the spacing, and anything else is none', () => {
    expect(cardDigits('4242 4242-4242 4242')).toBe('4242424242424242')
    expect(cardDigits('4242 4242')).toBeNull()
    expect(groupCard('4000000000000002')).toBe('4000 0000 0000 0002')
  })
})
