import type { DemoProduct } from '../catalogue.ts'

/** 주방·생활 and 캠핑·아웃도어. */
export const livingProducts: DemoProduct[] = [
  {
    sku: 'DEMO-KIT-001', name: '스테인리스 진공 텀블러 500ml', label: '진공 텀블러', category: 'kitchen', icon: 'tumbler',
    price: 24_900, stock: 160,
    description: '이중 진공 구조로 따뜻한 음료는 12시간, 차가운 음료는 24시간 온도를 지켜 줍니다. 원터치 뚜껑이라 한 손으로 열고 닫을 수 있습니다. 내부는 녹이 슬지 않는 18/8 스테인리스입니다.',
    attributes: { 브랜드: '하루온', 색상: '세이지 그린', 소재: '스테인리스 스틸', 용량: '500ml', 원산지: '중국' },
  },
  {
    sku: 'DEMO-KIT-002', name: '데일리 도자기 머그컵 2개 세트', label: '머그컵 세트', category: 'kitchen', icon: 'mug',
    price: 19_800, stock: 100,
    description: '손에 쥐기 좋은 둥근 형태의 도자기 머그컵 두 개 세트입니다. 유약의 은은한 색이 식탁을 따뜻하게 만들어 줍니다. 전자레인지와 식기세척기에 넣어도 됩니다.',
    attributes: { 브랜드: '하루온', 색상: '크림·차콜', 소재: '도자기', 용량: '350ml', 원산지: '대한민국' },
  },
  {
    sku: 'DEMO-KIT-003', name: '인덕션 통주물 프라이팬 28cm', label: '주물 프라이팬', category: 'kitchen', icon: 'pan',
    price: 68_000, stock: 40,
    description: '열을 고르게 오래 머금는 통주물 프라이팬입니다. 스테이크는 겉은 바삭하게, 속은 촉촉하게 구워집니다. 인덕션과 가스레인지, 오븐에서 모두 쓸 수 있습니다.',
    attributes: { 브랜드: '무쇠공방', 색상: '블랙', 소재: '주철', 크기: '28cm', 원산지: '대한민국' },
  },
  {
    sku: 'DEMO-KIT-004', name: '내열유리 밀폐용기 6종 세트', label: '밀폐용기 세트', category: 'kitchen', icon: 'container',
    price: 42_000, stock: 75,
    description: '반찬 보관부터 오븐 요리까지 한 번에 되는 내열유리 밀폐용기입니다. 네 면 잠금 뚜껑이 국물도 새지 않게 막아 줍니다. 크기가 다른 여섯 개가 차곡차곡 포개집니다.',
    attributes: { 브랜드: '하루온', 색상: '투명·그레이', 소재: '붕규산 유리', 구성: '6종', 원산지: '대한민국' },
  },
  {
    sku: 'DEMO-KIT-005', name: '편백나무 원목 도마', label: '편백 도마', category: 'kitchen', icon: 'board',
    price: 35_000, stock: 60,
    description: '국산 편백나무 한 판으로 만든 원목 도마입니다. 은은한 편백 향이 나고 칼자국이 잘 남지 않습니다. 손잡이 구멍에 걸어 두면 빨리 마릅니다.',
    attributes: { 브랜드: '나무결', 소재: '편백나무', 크기: '40×25cm', 원산지: '대한민국' },
  },
  {
    sku: 'DEMO-KIT-006', name: '핸드드립 커피 드립포트 1L', label: '드립포트', category: 'kitchen', icon: 'kettle',
    price: 52_000, stock: 0,
    description: '가는 물줄기를 원하는 대로 조절할 수 있는 구스넥 드립포트입니다. 뚜껑에 온도계를 꽂아 물 온도를 보며 추출할 수 있습니다. 인덕션에서도 바로 데울 수 있습니다.',
    attributes: { 브랜드: '모닝빈', 색상: '매트 블랙', 소재: '스테인리스 스틸', 용량: '1L', 원산지: '일본' },
  },
  {
    sku: 'DEMO-KIT-007', name: '빨대 콜드컵 텀블러 900ml', label: '콜드컵 텀블러', category: 'kitchen', icon: 'tumbler',
    price: 27_900, stock: 110,
    description: '아이스 아메리카노를 넉넉히 담는 900ml 대용량 콜드컵입니다. 얼음이 오후 내내 녹지 않고, 컵 겉면에 물방울이 맺히지 않습니다. 재사용 빨대와 세척솔을 함께 드립니다.',
    attributes: { 브랜드: '하루온', 색상: '피치', 소재: '스테인리스 스틸', 용량: '900ml', 원산지: '중국' },
  },
  {
    sku: 'DEMO-OUT-001', name: '초경량 캠핑 의자', label: '경량 캠핑 의자', category: 'outdoor', icon: 'chair',
    price: 59_000, stock: 70,
    description: '무게 900g으로 배낭에 쏙 들어가는 초경량 캠핑 의자입니다. 알루미늄 프레임이 최대 120kg까지 버팁니다. 1분이면 펴고 접을 수 있습니다.',
    attributes: { 브랜드: '포레스트캠프', 색상: '코요테 탄', 소재: '알루미늄·폴리에스터', 무게: '900g', 원산지: '베트남' },
  },
  {
    sku: 'DEMO-OUT-002', name: '릴렉스 하이백 캠핑 의자', label: '하이백 의자', category: 'outdoor', icon: 'chair',
    price: 89_000, stock: 25,
    description: '머리까지 받쳐 주는 높은 등받이로 불멍하며 쉬기 좋은 캠핑 의자입니다. 팔걸이에 컵홀더가 있고, 두툼한 패딩이 몸을 편하게 감싸 줍니다. 전용 수납 가방을 함께 드립니다.',
    attributes: { 브랜드: '포레스트캠프', 색상: '카키', 소재: '스틸·옥스퍼드', 무게: '3.2kg', 원산지: '베트남' },
  },
  {
    sku: 'DEMO-OUT-003', name: 'LED 충전식 캠핑 랜턴', label: '캠핑 랜턴', category: 'outdoor', icon: 'lantern',
    price: 39_000, stock: 130,
    description: '주광색부터 전구색까지 밝기와 색을 바꿀 수 있는 충전식 LED 랜턴입니다. 가장 밝게 켜도 8시간 동안 캠핑장을 밝혀 줍니다. 보조배터리 기능이 있어 급할 때 휴대폰도 충전할 수 있습니다.',
    attributes: { 브랜드: '포레스트캠프', 색상: '올리브', 밝기: '최대 800루멘', 용량: '5200mAh', 원산지: '중국' },
  },
  {
    sku: 'DEMO-OUT-004', name: '원터치 그늘막 텐트', label: '그늘막 텐트', category: 'outdoor', icon: 'tent',
    price: 129_000, stock: 20,
    description: '줄을 당기기만 하면 펼쳐지는 원터치 그늘막입니다. 자외선 차단 코팅으로 한낮의 해변과 공원에서도 시원한 그늘을 만들어 줍니다. 어른 셋이 넉넉히 쉴 수 있는 크기입니다.',
    attributes: { 브랜드: '포레스트캠프', 색상: '샌드', 소재: '폴리에스터', 수용인원: '3인', 원산지: '중국' },
  },
  {
    sku: 'DEMO-OUT-005', name: '하드 쿨러 아이스박스 25L', label: '아이스박스', category: 'outdoor', icon: 'cooler',
    price: 99_000, stock: 35,
    description: '두꺼운 단열층으로 얼음을 최대 3일 동안 지켜 주는 하드 쿨러입니다. 뚜껑이 단단해 의자나 테이블로도 씁니다. 500ml 생수가 서른 병 가까이 들어갑니다.',
    attributes: { 브랜드: '포레스트캠프', 색상: '아이보리', 용량: '25L', 소재: 'PE·PU 폼', 원산지: '대한민국' },
  },
  {
    sku: 'DEMO-OUT-006', name: '스테인리스 캠핑 컵 4P 세트', label: '캠핑 컵 세트', category: 'outdoor', icon: 'mug',
    price: 22_000, stock: 90,
    description: '차곡차곡 겹쳐 수납하는 스테인리스 캠핑 컵 네 개 세트입니다. 손잡이를 접을 수 있어 코펠 안에 쏙 들어갑니다. 직화에 올려 물을 데울 수도 있습니다.',
    attributes: { 브랜드: '포레스트캠프', 색상: '실버', 소재: '스테인리스 스틸', 용량: '300ml', 원산지: '중국' },
  },
  {
    sku: 'DEMO-OUT-007', name: '4인용 돔 텐트', label: '4인용 텐트', category: 'outdoor', icon: 'tent',
    price: 189_000, stock: 0,
    description: '가족 캠핑에 알맞은 4인용 돔 텐트입니다. 폴 두 개를 교차해 혼자서도 10분이면 칠 수 있습니다. 내수압 3,000mm 플라이가 비바람을 막아 줍니다.',
    attributes: { 브랜드: '포레스트캠프', 색상: '카키', 소재: '폴리에스터·알루미늄 폴', 수용인원: '4인', 원산지: '중국' },
  },
]
