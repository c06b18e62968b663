import { ApiError } from '@shop/client'

/** What a failure means for the person, in Korean, from the problem's stable code (never its English detail). */
const BY_CODE: Record<string, string> = {
  validation_failed: '입력한 내용을 다시 확인해 주세요.',
  bad_request: '요청을 처리할 수 없어요. 입력한 내용을 확인해 주세요.',
  unauthorized: '로그인이 필요해요. 다시 로그인해 주세요.',
  forbidden: '이 작업을 할 권한이 없어요.',
  not_found: '찾는 항목이 없어요. 이미 삭제되었을 수 있어요.',
  conflict: '다른 곳에서 먼저 변경되었어요. 새로 고친 뒤 다시 시도해 주세요.',
  insufficient_stock: '재고가 부족해요. 수량을 줄이거나 다른 상품을 골라 주세요.',
  invalid_state: '지금 상태에서는 할 수 없는 작업이에요. 화면을 새로 고쳐 확인해 주세요.',
  idempotency_key_reuse: '같은 요청이 다른 내용으로 다시 보내졌어요. 새로 고친 뒤 다시 시도해 주세요.',
  amount_mismatch: '결제 금액이 주문 금액과 달라요. 주문을 새로 고쳐 주세요.',
  rate_limited: '요청이 너무 많아요. 잠시 후 다시 시도해 주세요.',
  upstream_unavailable: '서비스가 잠시 응답하지 않아요. 잠시 후 다시 시도해 주세요.',
  internal: '문제가 생겼어요. 잠시 후 다시 시도해 주세요.',
  purchase_limit_exceeded: '이 상품은 1인 구매 한도를 넘었어요.',
  tracking_number_taken: '이미 다른 배송에 쓰인 송장 번호예요.',
  payload_too_large: '보낸 내용이 너무 커요.',
  unsupported_media_type: '요청 형식이 올바르지 않아요.',
  network: '서버에 연결할 수 없어요. 인터넷 연결을 확인하고 다시 시도해 주세요.',
  // payment failure codes (a declined card is an answer, not an error)
  card_declined: '카드사에서 결제를 거절했어요. 다른 카드로 다시 시도해 주세요.',
  insufficient_funds: '카드 잔액(한도)이 부족해요. 다른 카드로 다시 시도해 주세요.',
  pg_timeout: '결제사가 응답하지 않았어요. 결제되지 않았으니 다시 시도해 주세요.',
  pg_error: '결제사에서 오류가 났어요. 잠시 후 다시 시도해 주세요.',
}

/** Words that are better than the generic ones on particular screens. */
const ON_SCREEN: Record<string, Record<string, string>> = {
  login: { unauthorized: '이메일 또는 비밀번호가 맞지 않아요.', rate_limited: '로그인 시도가 너무 많아요. 잠시 후 다시 시도해 주세요.' },
  signup: { conflict: '이미 가입된 이메일이에요. 로그인해 주세요.', validation_failed: '입력한 내용을 확인해 주세요. 비밀번호는 10자 이상이고 흔한 비밀번호는 쓸 수 없어요.' },
  password: { unauthorized: '현재 비밀번호가 맞지 않아요.', validation_failed: '새 비밀번호는 10자 이상이고 흔한 비밀번호는 쓸 수 없어요.' },
  cancel: { invalid_state: '이미 발송되었거나 끝난 주문이라 취소할 수 없어요.' },
  pay: { invalid_state: '이 주문은 지금 결제할 수 없어요. 이미 결제되었거나 취소되었을 수 있어요.' },
}

/** The Korean message for a failure code (a problem's or a payment's). */
export function messageForCode(code: string | undefined, screen?: keyof typeof ON_SCREEN): string {
  if (!code) return BY_CODE.internal
  return (screen && ON_SCREEN[screen]?.[code]) ?? BY_CODE[code] ?? BY_CODE.internal
}

/** The Korean message for anything a request threw. */
export function messageFor(err: unknown, screen?: keyof typeof ON_SCREEN): string {
  if (err instanceof ApiError) return messageForCode(err.code, screen)
  return BY_CODE.internal
}
