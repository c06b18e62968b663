import type { DemoProduct } from '../catalogue.ts'

/** 식품. */
export const foodProducts: DemoProduct[] = [
  {
    sku: 'DEMO-FOO-001', name: '에티오피아 예가체프 원두 커피 500g', label: '예가체프 원두', category: 'food', icon: 'coffee',
    price: 23_900, stock: 120,
    description: '주문이 들어오면 그날 볶아 보내는 에티오피아 예가체프 원두입니다. 꽃향기와 레몬 같은 산미, 깔끔한 뒷맛이 특징입니다. 핸드드립과 콜드브루에 잘 어울립니다.',
    attributes: { 브랜드: '모닝빈', 원산지: '에티오피아', 로스팅: '라이트 미디엄', 용량: '500g', 분쇄: '홀빈' },
  },
  {
    sku: 'DEMO-FOO-002', name: '콜롬비아 수프리모 원두 커피 1kg', label: '수프리모 원두', category: 'food', icon: 'coffee',
    price: 38_000, stock: 70,
    description: '고소한 견과류 향과 부드러운 단맛이 어우러진 콜롬비아 수프리모 원두입니다. 에스프레소로 내려도, 라떼로 마셔도 맛이 균형 잡혀 있습니다. 사무실에서 넉넉히 마시기 좋은 1kg입니다.',
    attributes: { 브랜드: '모닝빈', 원산지: '콜롬비아', 로스팅: '미디엄 다크', 용량: '1kg', 분쇄: '홀빈' },
  },
  {
    sku: 'DEMO-FOO-003', name: '제주 유기농 녹차 티백 50개입', label: '제주 녹차', category: 'food', icon: 'tea',
    price: 15_000, stock: 100,
    description: '제주 유기농 차밭에서 첫물 찻잎만 골라 만든 녹차 티백입니다. 쓴맛이 적고 풋풋한 향이 맑게 우러납니다. 삼각 티백이라 찻잎이 충분히 펼쳐집니다.',
    attributes: { 브랜드: '숲차', 원산지: '대한민국(제주)', 용량: '1.2g × 50개입', 인증: '유기농' },
  },
  {
    sku: 'DEMO-FOO-004', name: '국산 아카시아 꿀 1kg', label: '아카시아 꿀', category: 'food', icon: 'jar',
    price: 45_000, stock: 40,
    description: '국내 양봉 농가에서 5월에만 뜬 아카시아 꿀입니다. 맑은 색과 향긋하고 부드러운 단맛이 특징입니다. 따뜻한 차나 요거트에 곁들여 드세요.',
    attributes: { 브랜드: '꿀벌마을', 원산지: '대한민국', 용량: '1kg', 보관: '실온' },
  },
  {
    sku: 'DEMO-FOO-005', name: '하루견과 20g × 30봉', label: '하루견과', category: 'food', icon: 'box',
    price: 27_900, stock: 150,
    description: '아몬드, 호두, 캐슈너트, 크랜베리를 하루 한 줌씩 담은 견과 한 달 분입니다. 질소 충전 소포장이라 마지막 봉지까지 눅눅하지 않습니다. 아이 간식과 사무실 간식으로 좋습니다.',
    attributes: { 브랜드: '하루온', 원산지: '미국·베트남 등', 용량: '20g × 30봉', 보관: '직사광선을 피해 실온' },
  },
  {
    sku: 'DEMO-FOO-006', name: '스페셜티 원두 커피 선물 세트', label: '원두 선물 세트', category: 'food', icon: 'box',
    price: 65_000, stock: 30,
    description: '에티오피아, 콜롬비아, 과테말라 스페셜티 원두 200g씩을 담은 선물 세트입니다. 원두마다 맛을 적은 테이스팅 카드를 함께 넣었습니다. 명절과 집들이 선물로 인기가 많습니다.',
    attributes: { 브랜드: '모닝빈', 원산지: '에티오피아·콜롬비아·과테말라', 용량: '200g × 3', 분쇄: '홀빈' },
  },
]
