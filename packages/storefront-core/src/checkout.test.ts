import { describe, expect, it } from 'vitest'
import { cardDigits, emptyAddress, groupCard, normalisePhone, toShippingAddress, validateAddress } from './checkout.ts'

const good = { recipient: '홍길동', phone: '010-1234-5678', postalCode: '63100', address1: '제주특별자치도 제주시 첨단로 1', address2: '' }

describe('the checkout form', () => {
  it('accepts a complete address', () => {
    expect(validateAddress(good)).toEqual({})
  })

  it('names every missing field in Korean', () => {
    expect(validateAddress(emptyAddress)).toEqual({
      recipient: '받는 분을 입력해 주세요.',
      phone: '휴대폰 번호를 입력해 주세요.',
      postalCode: '우편번호를 입력해 주세요.',
      address1: '주소를 입력해 주세요.',
    })
  })

  it('refuses a phone number that is not a Korean mobile number and a postal code that is not 5 digits', () => {
    const e = validateAddress({ ...good, phone: '02-123-4567', postalCode: '1234' })
    expect(e.phone).toBe('휴대폰 번호를 010-1234-5678 형식으로 입력해 주세요.')
    expect(e.postalCode).toBe('우편번호는 숫자 5자리예요.')
    expect(validateAddress({ ...good, phone: '01012345678' }).phone).toBeUndefined()
  })

  it('sends the phone number in one form and leaves out an empty detail line', () => {
    expect(toShippingAddress({ ...good, phone: '010 1234 5678' })).toEqual({
      recipient: '홍길동',
      phone: '010-1234-5678',
      postalCode: '63100',
      address1: '제주특별자치도 제주시 첨단로 1',
    })
    expect(normalisePhone('0111234567')).toBe('011-123-4567')
  })

  it('reads a card number typed with spaces or dashes, and only a whole one', () => {
    expect(cardDigits('4242 4242 4242 4242')).toBe('4242424242424242')
    expect(cardDigits('4000-0000-0000-0002')).toBe('4000000000000002')
    expect(cardDigits('4242 4242-4242 4242')).toBe('4242424242424242')
    expect(cardDigits('4242 4242')).toBeNull()
    expect(groupCard('4000000000009995')).toBe('4000 0000 0000 9995')
  })
})
