import type { DemoProduct } from '../catalogue.ts'

/** 패션, 신발 (under 패션) and 뷰티. */
export const styleProducts: DemoProduct[] = [
  {
    sku: 'DEMO-FAS-001', name: '울 블렌드 라운드 니트', label: '라운드 니트', category: 'fashion', icon: 'knit',
    price: 49_000, stock: 85,
    description: '울을 섞어 따뜻하면서도 까슬거리지 않는 라운드넥 니트입니다. 어깨선이 살짝 내려간 여유 있는 핏이라 셔츠 위에 겹쳐 입기 좋습니다. 보풀이 잘 생기지 않도록 촘촘하게 짰습니다.',
    attributes: { 브랜드: '숲결', 색상: '오트밀', 소재: '울 30%, 아크릴 70%', 사이즈: 'FREE', 원산지: '대한민국' },
  },
  {
    sku: 'DEMO-FAS-002', name: '캐시미어 터치 브이넥 카디건', label: '브이넥 카디건', category: 'fashion', icon: 'knit',
    price: 69_000, stock: 50,
    description: '캐시미어처럼 부드러운 촉감의 브이넥 카디건입니다. 가볍게 걸치기 좋아 간절기부터 겨울 실내까지 두루 입습니다. 자개 느낌의 단추가 단정한 멋을 더합니다.',
    attributes: { 브랜드: '숲결', 색상: '차콜 그레이', 소재: '나일론·울 혼방', 사이즈: 'S, M, L', 원산지: '대한민국' },
  },
  {
    sku: 'DEMO-FAS-003', name: '오버핏 코튼 맨투맨', label: '코튼 맨투맨', category: 'fashion', icon: 'tshirt',
    price: 39_000, stock: 120,
    description: '도톰한 면 쭈리 원단으로 만든 오버핏 맨투맨입니다. 목과 소매의 시보리가 탄탄해 여러 번 빨아도 늘어나지 않습니다. 청바지와 슬랙스 어디에나 잘 어울립니다.',
    attributes: { 브랜드: '숲결', 색상: '멜란지 그레이', 소재: '면 100%', 사이즈: 'M, L, XL', 원산지: '대한민국' },
  },
  {
    sku: 'DEMO-FAS-004', name: '베이직 코튼 반팔 티셔츠', label: '반팔 티셔츠', category: 'fashion', icon: 'tshirt',
    price: 15_900, stock: 200,
    description: '20수 면으로 만든 비치지 않는 기본 반팔 티셔츠입니다. 세탁 후 줄어들지 않도록 워싱을 마쳤습니다. 한 장으로도, 이너로도 매일 손이 갑니다.',
    attributes: { 브랜드: '숲결', 색상: '화이트', 소재: '면 100%', 사이즈: 'S, M, L, XL', 원산지: '대한민국' },
  },
  {
    sku: 'DEMO-FAS-005', name: '워싱 코튼 볼캡', label: '워싱 볼캡', category: 'fashion', icon: 'cap',
    price: 25_000, stock: 95,
    description: '자연스럽게 물 빠진 색감의 코튼 볼캡입니다. 뒷면 스트랩으로 머리 둘레를 맞출 수 있습니다. 챙이 적당히 길어 얼굴이 작아 보입니다.',
    attributes: { 브랜드: '숲결', 색상: '네이비', 소재: '면 100%', 사이즈: 'FREE (56~60cm)', 원산지: '베트남' },
  },
  {
    sku: 'DEMO-FAS-006', name: '데일리 캔버스 에코백', label: '캔버스 에코백', category: 'fashion', icon: 'bag',
    price: 18_000, stock: 140,
    description: '노트북과 책이 함께 들어가는 넉넉한 캔버스 에코백입니다. 안쪽 지퍼 주머니에 지갑과 열쇠를 따로 넣을 수 있습니다. 어깨에 메도 흘러내리지 않는 끈 길이입니다.',
    attributes: { 브랜드: '숲결', 색상: '내추럴', 소재: '면 캔버스', 크기: '38×40×10cm', 원산지: '대한민국' },
  },
  {
    sku: 'DEMO-SHO-001', name: '데일리 러닝 운동화', label: '러닝 운동화', category: 'fashion-shoes', icon: 'sneaker',
    price: 89_000, stock: 60,
    description: '가벼운 쿠션 폼으로 착지 충격을 줄여 주는 러닝 운동화입니다. 통기성 좋은 니트 갑피가 발을 산뜻하게 유지해 줍니다. 출퇴근길과 가벼운 조깅 모두에 알맞습니다.',
    attributes: { 브랜드: '런사운드', 색상: '화이트·그레이', 소재: '니트 메시·EVA', 사이즈: '230~290mm', 원산지: '베트남' },
  },
  {
    sku: 'DEMO-SHO-002', name: '에어쿠션 워킹 운동화', label: '워킹 운동화', category: 'fashion-shoes', icon: 'sneaker',
    price: 119_000, stock: 40,
    description: '뒤꿈치 에어쿠션이 오래 걸어도 발을 편하게 받쳐 주는 워킹화입니다. 발볼이 넉넉한 설계라 부모님 선물로도 좋습니다. 미끄럼을 막는 고무 밑창을 썼습니다.',
    attributes: { 브랜드: '런사운드', 색상: '베이지', 소재: '천연가죽·메시', 사이즈: '220~280mm', 원산지: '대한민국' },
  },
  {
    sku: 'DEMO-SHO-003', name: '클래식 캔버스 스니커즈', label: '캔버스 스니커즈', category: 'fashion-shoes', icon: 'sneaker',
    price: 45_000, stock: 7,
    description: '어떤 옷에도 어울리는 클래식한 로우탑 캔버스 스니커즈입니다. 쿠션 깔창을 넣어 하루 종일 신어도 편안합니다. 세탁기에 빨 수 있는 튼튼한 캔버스입니다.',
    attributes: { 브랜드: '숲결', 색상: '아이보리', 소재: '면 캔버스·고무', 사이즈: '220~290mm', 원산지: '대한민국' },
  },
  {
    sku: 'DEMO-SHO-004', name: '푹신한 EVA 슬리퍼', label: 'EVA 슬리퍼', category: 'fashion-shoes', icon: 'slipper',
    price: 19_900, stock: 150,
    description: '구름 위를 걷는 듯 푹신한 EVA 통굽 슬리퍼입니다. 물에 강해 욕실과 베란다, 여름 바닷가에서도 신습니다. 바닥 홈이 미끄러짐을 줄여 줍니다.',
    attributes: { 브랜드: '하루온', 색상: '라이트 그레이', 소재: 'EVA', 사이즈: '230~280mm', 원산지: '중국' },
  },
  {
    sku: 'DEMO-BEA-001', name: '시어버터 핸드크림 50ml', label: '핸드크림', category: 'beauty', icon: 'tube',
    price: 12_000, stock: 180,
    description: '시어버터를 듬뿍 담아 건조한 손을 촉촉하게 감싸 주는 핸드크림입니다. 끈적이지 않고 빠르게 스며들어 바로 휴대폰을 만져도 됩니다. 은은한 화이트 머스크 향이 오래 남습니다.',
    attributes: { 브랜드: '담결', 향: '화이트 머스크', 용량: '50ml', 피부타입: '모든 피부', 원산지: '대한민국' },
  },
  {
    sku: 'DEMO-BEA-002', name: '핸드크림 선물 세트 3종', label: '핸드크림 세트', category: 'beauty', icon: 'box',
    price: 29_000, stock: 90,
    description: '무화과, 라벤더, 화이트 머스크 세 가지 향의 핸드크림 세트입니다. 선물 상자와 쇼핑백이 함께 있어 따로 포장할 필요가 없습니다. 작은 크기라 파우치에 넣고 다니기 좋습니다.',
    attributes: { 브랜드: '담결', 구성: '30ml × 3', 용량: '90ml', 피부타입: '모든 피부', 원산지: '대한민국' },
  },
  {
    sku: 'DEMO-BEA-003', name: '약산성 수분 클렌징폼', label: '클렌징폼', category: 'beauty', icon: 'tube',
    price: 14_900, stock: 160,
    description: 'pH 5.5 약산성 포뮬러로 세안 후에도 당기지 않는 클렌징폼입니다. 쫀쫀한 거품이 모공 속 노폐물까지 부드럽게 씻어 냅니다. 민감한 피부도 매일 쓸 수 있습니다.',
    attributes: { 브랜드: '담결', 용량: '150ml', 피부타입: '민감성', 원산지: '대한민국' },
  },
  {
    sku: 'DEMO-BEA-004', name: '히알루론 수분 크림', label: '수분 크림', category: 'beauty', icon: 'jar',
    price: 32_000, stock: 110,
    description: '여덟 가지 히알루론산이 피부 속까지 수분을 채워 주는 젤 크림입니다. 가벼운 제형이라 아침 메이크업 전에도 밀리지 않습니다. 피부 자극 테스트를 마쳤습니다.',
    attributes: { 브랜드: '담결', 용량: '50ml', 피부타입: '건성·복합성', 원산지: '대한민국' },
  },
  {
    sku: 'DEMO-BEA-005', name: '무기자차 톤업 선크림 SPF50+', label: '톤업 선크림', category: 'beauty', icon: 'tube',
    price: 21_000, stock: 0,
    description: '백탁 없이 자연스럽게 톤을 밝혀 주는 무기자차 선크림입니다. SPF50+ PA++++로 야외 활동에도 든든합니다. 눈 시림이 적어 아이와 함께 써도 됩니다.',
    attributes: { 브랜드: '담결', 용량: '50ml', 자외선차단: 'SPF50+ PA++++', 원산지: '대한민국' },
  },
  {
    sku: 'DEMO-BEA-006', name: '퍼퓸 바디로션 300ml', label: '바디로션', category: 'beauty', icon: 'bottle',
    price: 19_500, stock: 130,
    description: '샤워 후 바르면 하루 종일 은은한 향이 나는 퍼퓸 바디로션입니다. 세라마이드가 건조한 팔다리를 촉촉하게 지켜 줍니다. 펌프형 용기라 쓰기 편합니다.',
    attributes: { 브랜드: '담결', 향: '코튼 블라썸', 용량: '300ml', 피부타입: '모든 피부', 원산지: '대한민국' },
  },
]
