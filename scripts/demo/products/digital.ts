import type { DemoProduct } from '../catalogue.ts'

/** 음향기기 and 모바일 액세서리. Several names hold "이어폰" inside a longer word: search finds them by the part. */
export const digitalProducts: DemoProduct[] = [
  {
    sku: 'DEMO-AUD-001', name: '소리담 무선이어폰 프로', label: '무선이어폰 프로', category: 'digital-audio', icon: 'earbuds',
    price: 129_000, stock: 80,
    description: '주변 소음을 최대 35dB까지 줄여 주는 액티브 노이즈캔슬링 무선이어폰입니다. 케이스 포함 최대 30시간 재생되고, 10분 충전으로 2시간을 들을 수 있습니다. 귀에 닿는 부분이 작고 가벼워 오래 착용해도 편안합니다.',
    attributes: { 브랜드: '소리담', 색상: '미드나잇 블랙', 연결: '블루투스 5.3', 재생시간: '최대 30시간', 원산지: '중국' },
  },
  {
    sku: 'DEMO-AUD-002', name: '소리담 무선이어폰 라이트', label: '무선이어폰 라이트', category: 'digital-audio', icon: 'earbuds',
    price: 39_900, stock: 150,
    description: '매일 쓰기 좋은 가벼운 무선이어폰입니다. 케이스를 열면 바로 연결되고, 통화할 때는 듀얼 마이크가 목소리를 또렷하게 전달합니다. 생활 방수(IPX4)라 운동할 때도 걱정 없습니다.',
    attributes: { 브랜드: '소리담', 색상: '화이트', 연결: '블루투스 5.3', 재생시간: '최대 24시간', 원산지: '중국' },
  },
  {
    sku: 'DEMO-AUD-003', name: '오픈형 스포츠 블루투스이어폰', label: '스포츠 이어폰', category: 'digital-audio', icon: 'earbuds',
    price: 59_000, stock: 0,
    description: '귀를 막지 않는 오픈형 구조라 달리면서도 주변 소리를 들을 수 있습니다. 귀걸이형 후크가 단단히 고정되어 격한 운동에도 빠지지 않습니다. 땀과 비에 강한 IP55 방수를 지원합니다.',
    attributes: { 브랜드: '런사운드', 색상: '라임', 연결: '블루투스 5.2', 방수: 'IP55', 원산지: '중국' },
  },
  {
    sku: 'DEMO-AUD-004', name: '하이파이 유선 이어폰 C타입', label: '유선 이어폰', category: 'digital-audio', icon: 'earbuds',
    price: 12_900, stock: 200,
    description: 'USB-C 단자에 바로 꽂아 쓰는 유선 이어폰입니다. DAC를 내장해 충전 걱정 없이 깨끗한 소리를 들려줍니다. 줄꼬임이 적은 패브릭 케이블을 썼습니다.',
    attributes: { 브랜드: '소리담', 색상: '그레이', 단자: 'USB-C', 길이: '1.2m', 원산지: '중국' },
  },
  {
    sku: 'DEMO-AUD-005', name: '미니 블루투스 스피커', label: '미니 스피커', category: 'digital-audio', icon: 'speaker',
    price: 34_900, stock: 120,
    description: '손바닥만 한 크기에 풍성한 저음을 담은 블루투스 스피커입니다. 한 번 충전으로 12시간 재생되고, 두 대를 연결하면 스테레오로 즐길 수 있습니다. 책상 위나 욕실 어디에 두어도 잘 어울립니다.',
    attributes: { 브랜드: '소리담', 색상: '샌드 베이지', 출력: '5W', 재생시간: '최대 12시간', 원산지: '중국' },
  },
  {
    sku: 'DEMO-AUD-006', name: '캠핑 방수 블루투스 스피커', label: '방수 스피커', category: 'digital-audio', icon: 'speaker',
    price: 89_000, stock: 45,
    description: 'IP67 방수·방진으로 물가와 캠핑장에서도 마음 놓고 쓰는 스피커입니다. 20W 출력에 은은한 무드등이 함께 켜집니다. 스트랩이 달려 있어 텐트 안에 걸어 두기 좋습니다.',
    attributes: { 브랜드: '포레스트캠프', 색상: '올리브', 출력: '20W', 방수: 'IP67', 원산지: '중국' },
  },
  {
    sku: 'DEMO-AUD-007', name: '노이즈캔슬링 무선 헤드폰 에어', label: '무선 헤드폰', category: 'digital-audio', icon: 'headphones',
    price: 149_000, stock: 30,
    description: '250g의 가벼운 무게에 노이즈캔슬링을 갖춘 무선 헤드폰입니다. 부드러운 단백질 가죽 이어쿠션이 장시간 착용에도 편안합니다. 최대 40시간 재생되어 긴 출장길에도 든든합니다.',
    attributes: { 브랜드: '소리담', 색상: '페일 블루', 연결: '블루투스 5.3', 무게: '250g', 원산지: '중국' },
  },
  {
    sku: 'DEMO-ACC-001', name: 'GaN 고속 충전기 45W', label: '고속 충전기', category: 'digital-accessories', icon: 'charger',
    price: 29_900, stock: 180,
    description: '질화갈륨(GaN) 소자로 크기를 줄인 45W 고속 충전기입니다. 스마트폰은 물론 태블릿과 노트북까지 빠르게 충전합니다. 접이식 플러그라 가방에 넣기 편합니다.',
    attributes: { 브랜드: '차지온', 색상: '화이트', 출력: '45W', 단자: 'USB-C', 원산지: '중국' },
  },
  {
    sku: 'DEMO-ACC-002', name: '슬림 보조배터리 10000mAh', label: '보조배터리', category: 'digital-accessories', icon: 'powerbank',
    price: 32_000, stock: 140,
    description: '두께 14mm의 슬림한 보조배터리로 스마트폰을 두 번 이상 충전할 수 있습니다. 20W 고속 충전을 지원하고 잔량을 숫자로 보여 줍니다. 기내 반입이 가능한 용량입니다.',
    attributes: { 브랜드: '차지온', 색상: '차콜', 용량: '10000mAh', 출력: '20W', 원산지: '중국' },
  },
  {
    sku: 'DEMO-ACC-003', name: 'C to C 고속 충전 케이블 2m', label: '충전 케이블', category: 'digital-accessories', icon: 'cable',
    price: 9_900, stock: 200,
    description: '최대 100W까지 지원하는 USB-C 케이블입니다. 2만 번 구부림 테스트를 통과한 나일론 피복으로 오래 씁니다. 침대에서도 넉넉한 2m 길이입니다.',
    attributes: { 브랜드: '차지온', 색상: '블랙', 길이: '2m', 출력: '100W', 원산지: '중국' },
  },
  {
    sku: 'DEMO-ACC-004', name: '무선이어폰 실리콘 케이스', label: '이어폰 케이스', category: 'digital-accessories', icon: 'earbuds',
    price: 13_900, stock: 95,
    description: '무선이어폰 충전 케이스를 흠집과 충격에서 지켜 주는 실리콘 케이스입니다. 씌운 채로 무선 충전이 되고, 카라비너 고리로 가방에 걸 수 있습니다. 손에 묻어나지 않는 매트한 촉감입니다.',
    attributes: { 브랜드: '소리담', 색상: '라벤더', 소재: '실리콘', 원산지: '대한민국' },
  },
  {
    sku: 'DEMO-ACC-005', name: '3in1 무선 충전 거치대', label: '무선 충전 거치대', category: 'digital-accessories', icon: 'charger',
    price: 54_000, stock: 3,
    description: '스마트폰, 스마트워치, 무선이어폰을 한 번에 충전하는 거치대입니다. 세워 둔 채로 영상 통화나 알림 확인이 편합니다. 은은한 충전 표시등은 밤에 자동으로 어두워집니다.',
    attributes: { 브랜드: '차지온', 색상: '화이트', 출력: '최대 15W', 소재: '알루미늄', 원산지: '중국' },
  },
]
