/**
 * Toss Payments error codes (https://docs.tosspayments.com/reference/error-codes) mapped
 * to our failureCodes. Codes that do not say whether Toss acted are not declines: the
 * adapter treats them as an unknown outcome, to be settled by a lookup.
 */

const DECLINE_CODES: Record<string, string> = {
  REJECT_CARD_PAYMENT: 'card_declined',
  REJECT_CARD_COMPANY: 'card_declined',
  REJECT_ACCOUNT_PAYMENT: 'card_declined',
  INVALID_STOPPED_CARD: 'card_declined',
  INVALID_CARD_LOST_OR_STOLEN: 'card_declined',
  RESTRICTED_CARD: 'card_declined',
  INVALID_REJECT_CARD: 'card_declined',
  NOT_ENOUGH_BALANCE: 'insufficient_funds',
  EXCEED_MAX_DAILY_PAYMENT_COUNT: 'limit_exceeded',
  EXCEED_MAX_PAYMENT_AMOUNT: 'limit_exceeded',
  EXCEED_MAX_AMOUNT: 'limit_exceeded',
  EXCEED_MAX_CARD_INSTALLMENT_PLAN: 'limit_exceeded',
  EXCEED_MAX_ONE_DAY_AMOUNT: 'limit_exceeded',
  EXCEED_MAX_MONTHLY_PAYMENT_AMOUNT: 'limit_exceeded',
  INVALID_CARD_EXPIRATION: 'card_expired',
  INVALID_CARD_NUMBER: 'invalid_card',
  INVALID_CARD_PASSWORD: 'invalid_card',
  INVALID_PASSWORD: 'invalid_card',
  INVALID_CARD_INFO_RE_REGISTER: 'invalid_card',
  NOT_FOUND_PAYMENT_SESSION: 'payment_expired',
  NOT_FOUND_PAYMENT: 'payment_expired',
}

/** Codes that leave the charge's fate open (already processed elsewhere, a passing fault at Toss or the issuer). */
const UNKNOWN_OUTCOME_CODES = new Set([
  'ALREADY_PROCESSED_PAYMENT',
  'PROVIDER_ERROR',
  'FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING',
  'FAILED_INTERNAL_SYSTEM_PROCESSING',
  'UNKNOWN_PAYMENT_ERROR',
])

/** Our failureCode for a Toss decline code; unknown codes become pg_declined. */
export function tossFailureCode(code: string): string {
  return DECLINE_CODES[code] ?? 'pg_declined'
}

/** Whether a Toss error code leaves it open whether the charge happened. */
export function tossOutcomeUnknown(code: string): boolean {
  return UNKNOWN_OUTCOME_CODES.has(code)
}
