import type { DemoIcon } from './catalogue.ts'

/**
 * Flat drawings of the demo products' kinds, centred on (0, 0) within ±96, for
 * scripts/demo/images.ts. `ink` outlines, `paper` fills, `tint` is the category's light
 * colour. Strokes and joins come from the enclosing group.
 */
export interface Palette {
  ink: string
  paper: string
  tint: string
}

type Draw = (c: Palette) => string

const bolt = (c: Palette, x = 0, y = 0) => `<path d="M${x + 6} ${y - 26}L${x - 14} ${y + 4}H${x + 2}L${x - 6} ${y + 30}L${x + 16} ${y - 2}H${x}Z" fill="${c.ink}" stroke="none"/>`

export const ICONS: Record<DemoIcon, Draw> = {
  earbuds: (c) =>
    `<rect x="-62" y="10" width="124" height="64" rx="30" fill="${c.paper}"/><path d="M-62 36h124" fill="none"/>` +
    `<rect x="-38" y="-40" width="12" height="40" rx="6" fill="${c.paper}"/><circle cx="-40" cy="-44" r="20" fill="${c.paper}"/>` +
    `<rect x="26" y="-40" width="12" height="40" rx="6" fill="${c.paper}"/><circle cx="40" cy="-44" r="20" fill="${c.paper}"/>` +
    `<circle cx="0" cy="56" r="4" fill="${c.ink}" stroke="none"/>`,
  headphones: (c) =>
    `<path d="M-62 14V4A62 62 0 0 1 62 4V14" fill="none" stroke-width="10"/>` +
    `<rect x="-80" y="0" width="34" height="64" rx="14" fill="${c.paper}"/><rect x="46" y="0" width="34" height="64" rx="14" fill="${c.paper}"/>` +
    `<rect x="-66" y="12" width="10" height="40" rx="5" fill="${c.tint}" stroke="none"/><rect x="56" y="12" width="10" height="40" rx="5" fill="${c.tint}" stroke="none"/>`,
  speaker: (c) =>
    `<rect x="-52" y="-74" width="104" height="148" rx="22" fill="${c.paper}"/>` +
    `<circle cx="0" cy="22" r="32" fill="${c.tint}"/><circle cx="0" cy="22" r="10" fill="${c.ink}" stroke="none"/><circle cx="0" cy="-40" r="13" fill="${c.tint}"/>`,
  charger: (c) =>
    `<rect x="-24" y="-70" width="10" height="30" rx="3" fill="${c.ink}"/><rect x="14" y="-70" width="10" height="30" rx="3" fill="${c.ink}"/>` +
    `<rect x="-46" y="-42" width="92" height="112" rx="18" fill="${c.paper}"/>` +
    bolt(c, 0, 14),
  powerbank: (c) =>
    `<rect x="-46" y="-76" width="92" height="152" rx="18" fill="${c.paper}"/>` +
    bolt(c, 0, -18) +
    [0, 1, 2, 3].map((i) => `<rect x="${-30 + i * 16}" y="40" width="12" height="16" rx="3" fill="${i < 3 ? c.ink : c.tint}" stroke="none"/>`).join(''),
  cable: (c) =>
    `<path d="M-56 -40C40 -100 -70 90 56 40" fill="none" stroke-width="8"/>` +
    `<rect x="-84" y="-64" width="30" height="44" rx="8" fill="${c.paper}"/><rect x="54" y="20" width="30" height="44" rx="8" fill="${c.paper}"/>` +
    `<rect x="-76" y="-80" width="14" height="16" rx="3" fill="${c.tint}"/><rect x="62" y="64" width="14" height="16" rx="3" fill="${c.tint}"/>`,
  tumbler: (c) =>
    `<path d="M-40 -46H40L32 74Q31 82 23 82H-23Q-31 82 -32 74Z" fill="${c.paper}"/>` +
    `<rect x="-46" y="-74" width="92" height="30" rx="10" fill="${c.tint}"/><path d="M-37 0H37" fill="none"/><path d="M-34 26H34" fill="none"/>`,
  mug: (c) =>
    `<path d="M34 -18H48A24 24 0 0 1 48 30H34" fill="none" stroke-width="10"/>` +
    `<rect x="-58" y="-40" width="92" height="104" rx="16" fill="${c.paper}"/><rect x="-58" y="-4" width="92" height="22" fill="${c.tint}"/>` +
    `<path d="M-30 -58q-8 -12 0 -24M-6 -58q-8 -12 0 -24M18 -58q-8 -12 0 -24" fill="none" stroke-width="5"/>`,
  pan: (c) =>
    `<rect x="34" y="-2" width="70" height="18" rx="9" fill="${c.ink}"/>` +
    `<circle cx="-22" cy="8" r="62" fill="${c.paper}"/><circle cx="-22" cy="8" r="44" fill="${c.tint}"/>` +
    `<path d="M-44 -8q14 -16 34 -8" fill="none" stroke="${c.paper}" stroke-width="5"/>`,
  container: (c) =>
    `<rect x="-74" y="-20" width="148" height="84" rx="14" fill="${c.paper}"/><rect x="-80" y="-46" width="160" height="30" rx="10" fill="${c.tint}"/>` +
    `<rect x="-60" y="-22" width="20" height="16" rx="4" fill="${c.ink}" stroke="none"/><rect x="40" y="-22" width="20" height="16" rx="4" fill="${c.ink}" stroke="none"/>` +
    `<path d="M-54 34H54" fill="none" stroke-width="4"/>`,
  board: (c) =>
    `<rect x="-58" y="-84" width="116" height="164" rx="24" fill="${c.paper}"/><circle cx="0" cy="-58" r="10" fill="${c.tint}"/>` +
    `<path d="M-30 -20Q-10 10 -30 50M0 -24Q20 10 0 56M30 -20Q48 10 30 50" fill="none" stroke-width="4" stroke="${c.tint}"/>`,
  kettle: (c) =>
    `<path d="M-42 28C-76 18 -80 -16 -90 -42" fill="none" stroke-width="9"/><path d="M40 -18C84 -18 84 52 48 58" fill="none" stroke-width="9"/>` +
    `<path d="M-52 72L-42 -18Q-40 -36 -22 -36H22Q40 -36 42 -18L52 72Z" fill="${c.paper}"/>` +
    `<rect x="-28" y="-50" width="56" height="16" rx="6" fill="${c.tint}"/><circle cx="0" cy="-58" r="8" fill="${c.ink}"/>`,
  chair: (c) =>
    `<path d="M-46 20L-66 80M46 20L66 80M-40 20L40 80M40 20L-40 80" fill="none"/>` +
    `<path d="M-52 0L-42 -76H42L52 0Z" fill="${c.tint}"/><path d="M-64 -2H64L56 22H-56Z" fill="${c.paper}"/>`,
  lantern: (c) =>
    `<path d="M-24 -66A24 24 0 0 1 24 -66" fill="none"/><rect x="-42" y="-70" width="84" height="20" rx="6" fill="${c.ink}"/>` +
    `<rect x="-34" y="-50" width="68" height="92" rx="12" fill="#fff2c4"/><circle cx="0" cy="-4" r="16" fill="#ffbf47" stroke="none"/>` +
    `<rect x="-46" y="40" width="92" height="24" rx="8" fill="${c.ink}"/>`,
  tent: (c) =>
    `<path d="M-98 72H98" fill="none"/><path d="M-86 72L0 -76L86 72Z" fill="${c.paper}"/><path d="M-28 72L0 14L28 72Z" fill="${c.tint}"/>` +
    `<path d="M0 -76V-92" fill="none"/>`,
  cooler: (c) =>
    `<path d="M-32 -52V-70H32V-52" fill="none"/><rect x="-72" y="-30" width="144" height="98" rx="14" fill="${c.paper}"/>` +
    `<rect x="-80" y="-54" width="160" height="30" rx="10" fill="${c.tint}"/><rect x="-22" y="0" width="44" height="14" rx="7" fill="${c.ink}" stroke="none"/>`,
  knit: (c) =>
    `<path d="M-36 -66L-70 -52L-90 30L-64 36L-54 -8V72H54V-8L64 36L90 30L70 -52L36 -66Q0 -40 -36 -66Z" fill="${c.paper}"/>` +
    `<path d="M-40 10l10 10l10 -10l10 10l10 -10l10 10l10 -10l10 10l10 -10" fill="none" stroke-width="4"/><path d="M-54 56H54" fill="none" stroke-width="4"/>`,
  tshirt: (c) =>
    `<path d="M-36 -66L-90 -36L-72 -2L-54 -12V72H54V-12L72 -2L90 -36L36 -66Q0 -40 -36 -66Z" fill="${c.paper}"/>` +
    `<path d="M-22 -60Q0 -44 22 -60" fill="none" stroke-width="4"/><rect x="18" y="-20" width="22" height="24" rx="4" fill="${c.tint}"/>`,
  cap: (c) =>
    `<path d="M18 22Q82 14 98 38Q60 44 18 36Z" fill="${c.tint}"/><path d="M-68 24A68 68 0 0 1 68 24Z" fill="${c.paper}"/>` +
    `<path d="M0 -44V24" fill="none" stroke-width="4"/><circle cx="0" cy="-46" r="7" fill="${c.ink}"/>`,
  bag: (c) =>
    `<path d="M-36 -18V-46A36 36 0 0 1 36 -46V-18" fill="none" stroke-width="8"/>` +
    `<path d="M-62 -20H62L70 80H-70Z" fill="${c.paper}"/><rect x="-30" y="12" width="60" height="40" rx="6" fill="${c.tint}"/>`,
  sneaker: (c) =>
    `<path d="M-90 32L-84 -26Q-80 -36 -68 -32L-20 -16Q10 -4 40 2L76 10Q94 16 92 34Z" fill="${c.paper}"/>` +
    `<path d="M-94 32H96V46Q96 56 86 56H-86Q-94 56 -94 46Z" fill="${c.tint}"/>` +
    `<path d="M-40 -14l10 -14M-24 -8l10 -14M-8 -2l10 -14" fill="none" stroke-width="4"/>`,
  slipper: (c) =>
    `<path d="M-88 38Q-92 8 -60 6H66Q96 8 94 32Q92 56 60 56H-60Q-86 56 -88 38Z" fill="${c.paper}"/>` +
    `<path d="M-64 8Q-54 -52 14 -42Q34 -30 32 8Z" fill="${c.tint}"/>`,
  tube: (c) =>
    `<rect x="-48" y="-84" width="96" height="14" rx="3" fill="${c.ink}"/><path d="M-44 -70H44L34 50H-34Z" fill="${c.paper}"/>` +
    `<rect x="-22" y="50" width="44" height="28" rx="6" fill="${c.tint}"/><path d="M-24 -28H24M-20 -10H20" fill="none" stroke-width="4"/>`,
  jar: (c) =>
    `<rect x="-60" y="-46" width="120" height="122" rx="28" fill="${c.paper}"/><rect x="-52" y="-74" width="104" height="30" rx="8" fill="${c.tint}"/>` +
    `<rect x="-38" y="-6" width="76" height="46" rx="8" fill="${c.tint}"/>`,
  bottle: (c) =>
    `<path d="M-6 -46V-74H42V-62" fill="none" stroke-width="8"/><rect x="-16" y="-48" width="32" height="28" rx="4" fill="${c.tint}"/>` +
    `<rect x="-44" y="-22" width="88" height="104" rx="20" fill="${c.paper}"/><rect x="-28" y="10" width="56" height="40" rx="6" fill="${c.tint}"/>`,
  coffee: (c) =>
    `<path d="M-56 -62H56L64 80H-64Z" fill="${c.paper}"/><rect x="-58" y="-78" width="116" height="18" rx="4" fill="${c.ink}"/>` +
    `<ellipse cx="0" cy="12" rx="22" ry="30" fill="${c.ink}"/><path d="M0 -16Q-12 12 0 40" fill="none" stroke="${c.paper}" stroke-width="5"/>`,
  tea: (c) =>
    `<path d="M18 -8L40 -62" fill="none" stroke-width="3"/><rect x="30" y="-86" width="26" height="24" rx="4" fill="${c.tint}"/>` +
    `<ellipse cx="0" cy="68" rx="82" ry="12" fill="${c.tint}"/><path d="M-58 -10H58Q58 62 0 62Q-58 62 -58 -10Z" fill="${c.paper}"/>` +
    `<path d="M-22 30Q-22 6 6 2Q8 28 -22 30Z" fill="${c.ink}" stroke="none"/>`,
  box: (c) =>
    `<path d="M0 -44C-42 -92 -64 -50 0 -44C64 -50 42 -92 0 -44" fill="none" stroke-width="7"/>` +
    `<rect x="-66" y="-22" width="132" height="98" rx="8" fill="${c.paper}"/><rect x="-74" y="-46" width="148" height="30" rx="6" fill="${c.tint}"/>` +
    `<rect x="-10" y="-46" width="20" height="122" fill="${c.ink}" stroke="none"/>`,
}
