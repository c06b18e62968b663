import { ValidationFailed } from '@shop/platform/errors'
import { FeeRules, PostalRange, quoteFromRules, type ShippingQuote, Surcharge, surchargeFor } from '@shop/contracts/shipping'

/**
 * Shipping fee rules (배송비). The rules are data: the defaults below, or a JSON file
 * named by SHIPPING_FEE_RULES with the same shape. Their shape and the computation are
 * in @shop/contracts/shipping (FeeRules, quoteFromRules): the order service prices an
 * order from a copy of these rules with the same function.
 */

export { FeeRules, PostalRange, Surcharge, surchargeFor }

const r = (from: string, to: string, area: string) => ({ from, to, area })

/** The well-known 도서산간 (remote island) postal-code ranges. */
export const REMOTE_ISLAND_RANGES = [
  r('22386', '22388', '인천 중구 섬지역'),
  r('23000', '23010', '인천 옹진군·강화군 섬지역'),
  r('23100', '23116', '인천 옹진군 섬지역'),
  r('23124', '23136', '인천 옹진군 섬지역'),
  r('31708', '31708', '충남 당진시 섬지역'),
  r('32133', '32133', '충남 태안군 섬지역'),
  r('33411', '33411', '충남 보령시 섬지역'),
  r('40200', '40240', '경북 울릉군'),
  r('46768', '46771', '부산 강서구 섬지역'),
  r('52570', '52571', '경남 사천시 섬지역'),
  r('53031', '53033', '경남 통영시 섬지역'),
  r('53089', '53104', '경남 통영시 섬지역'),
  r('54000', '54000', '전북 군산시 섬지역'),
  r('56347', '56349', '전북 부안군 위도면'),
  r('57068', '57069', '전남 영광군 섬지역'),
  r('58760', '58762', '전남 목포시 섬지역'),
  r('58800', '58866', '전남 신안군 섬지역'),
  r('58953', '58958', '전남 진도군 섬지역'),
  r('59100', '59166', '전남 완도군 섬지역'),
  r('59421', '59421', '전남 보성군 섬지역'),
  r('59531', '59531', '전남 고흥군 섬지역'),
  r('59551', '59551', '전남 고흥군 섬지역'),
  r('59563', '59563', '전남 고흥군 섬지역'),
  r('59568', '59568', '전남 고흥군 섬지역'),
  r('59650', '59650', '전남 여수시 섬지역'),
  r('59766', '59766', '전남 여수시 섬지역'),
  r('59781', '59790', '전남 여수시 섬지역'),
]

/** API.md's defaults: 3,000 KRW, free from 50,000, +3,000 Jeju, +5,000 other islands. */
export const DEFAULT_FEE_RULES: FeeRules = {
  baseFee: 3000,
  freeFrom: 50_000,
  surcharges: [
    { kind: 'jeju', amount: 3000, ranges: [r('63000', '63644', '제주특별자치도')] },
    { kind: 'remote_island', amount: 5000, ranges: REMOTE_ISLAND_RANGES },
  ],
}

const POSTAL_CODE = /^[0-9]{5}$/

/** The quote for a subtotal delivered to a postal code; throws ValidationFailed for a bad input. */
export function quoteFee(rules: FeeRules, input: { subtotal: number; postalCode: string }): ShippingQuote {
  const problems = []
  if (!Number.isSafeInteger(input.subtotal) || input.subtotal < 0) {
    problems.push({ path: '/subtotal', message: 'must be a whole number of KRW, 0 or more' })
  }
  if (typeof input.postalCode !== 'string' || !POSTAL_CODE.test(input.postalCode)) {
    problems.push({ path: '/postalCode', message: 'must be a 5-digit postal code' })
  }
  if (problems.length) throw new ValidationFailed(problems)

  return quoteFromRules(rules, input)
}

/** Problems with a rules object beyond its schema (ranges written backwards); empty when fine. */
export function checkFeeRules(rules: FeeRules): string[] {
  const problems: string[] = []
  for (const s of rules.surcharges) {
    for (const range of s.ranges) {
      if (range.from > range.to) problems.push(`surcharge ${s.kind}: range ${range.from}-${range.to} is backwards`)
    }
  }
  return problems
}
