import sharp from 'sharp';

/**
 * Photos for the demo's notes, drawn at seed time (no downloads, nothing checked in): a scene in
 * SVG, given a camera's grain and soft focus by sharp, then stored through the same pipeline as an
 * upload from a phone (services/media.ts).
 */
export const DEMO_PHOTOS = ['brake-disc', 'wiper-blade', 'sofa-in-depot', 'washing-machine'] as const;
export type DemoPhoto = (typeof DEMO_PHOTOS)[number];

const W = 1200;
const H = 900;

const scenes: Record<DemoPhoto, string> = {
  // A worn front brake disc on the workbench, with its rusted rim and scoring.
  'brake-disc': `
    <defs>
      <linearGradient id="bench" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#5b5f66"/><stop offset="1" stop-color="#2f3237"/></linearGradient>
      <radialGradient id="disc" cx="0.45" cy="0.4" r="0.7"><stop offset="0" stop-color="#d9dcdf"/><stop offset="0.6" stop-color="#9ea3a8"/><stop offset="1" stop-color="#6b7075"/></radialGradient>
      <radialGradient id="light" cx="0.3" cy="0.2" r="0.8"><stop offset="0" stop-color="#fff" stop-opacity="0.35"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient>
    </defs>
    <rect width="${W}" height="${H}" fill="url(#bench)"/>
    <ellipse cx="620" cy="500" rx="380" ry="330" fill="#1f2125" opacity="0.5"/>
    <circle cx="600" cy="450" r="360" fill="#8a4b22"/>
    <circle cx="600" cy="450" r="335" fill="url(#disc)"/>
    ${Array.from({ length: 14 }, (_, i) => `<circle cx="600" cy="450" r="${190 + i * 10}" fill="none" stroke="#7d8287" stroke-width="${1 + (i % 3)}" opacity="0.6"/>`).join('')}
    <circle cx="600" cy="450" r="170" fill="#50545a"/>
    <circle cx="600" cy="450" r="80" fill="#2b2d31"/>
    ${Array.from({ length: 5 }, (_, i) => {
      const a = (i / 5) * Math.PI * 2;
      return `<circle cx="${600 + Math.cos(a) * 125}" cy="${450 + Math.sin(a) * 125}" r="18" fill="#1c1d20"/>`;
    }).join('')}
    <rect width="${W}" height="${H}" fill="url(#light)"/>`,
  // A torn wiper blade held against the windscreen.
  'wiper-blade': `
    <defs>
      <linearGradient id="sky" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#9fb8cc"/><stop offset="1" stop-color="#46596b"/></linearGradient>
    </defs>
    <rect width="${W}" height="${H}" fill="url(#sky)"/>
    <path d="M0 700 Q600 560 1200 700 L1200 900 L0 900 Z" fill="#1e2227"/>
    <g transform="rotate(-14 600 450)">
      <rect x="140" y="420" width="920" height="34" rx="10" fill="#15171a"/>
      <rect x="140" y="452" width="920" height="14" fill="#2a2d31"/>
      <path d="M600 466 l22 26 l18 -24 l26 30 l10 -32 Z" fill="#2a2d31"/>
    </g>
    <ellipse cx="980" cy="160" rx="240" ry="120" fill="#fff" opacity="0.18"/>`,
  // A wrapped three-seat sofa on a pallet between the depot's racks.
  'sofa-in-depot': `
    <defs>
      <linearGradient id="hall" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#c9ccce"/><stop offset="0.65" stop-color="#a3a7aa"/><stop offset="1" stop-color="#6f7275"/></linearGradient>
    </defs>
    <rect width="${W}" height="${H}" fill="url(#hall)"/>
    ${[60, 980].map((x) => `<rect x="${x}" y="80" width="160" height="640" fill="#2f5d8a"/><rect x="${x}" y="250" width="160" height="16" fill="#e08a1e"/><rect x="${x}" y="470" width="160" height="16" fill="#e08a1e"/>`).join('')}
    <rect x="300" y="650" width="600" height="60" fill="#b08a5a"/>
    <rect x="310" y="430" width="580" height="230" rx="40" fill="#5d6b63"/>
    <rect x="330" y="360" width="540" height="130" rx="40" fill="#6b7a71"/>
    <rect x="300" y="350" width="600" height="320" rx="50" fill="#fff" opacity="0.28"/>
    <path d="M320 380 L880 640 M880 380 L320 640" stroke="#fff" stroke-width="6" opacity="0.35"/>`,
  // A front-loading washing machine in place, its test run under way.
  'washing-machine': `
    <defs>
      <linearGradient id="wall" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#e8e4dc"/><stop offset="1" stop-color="#cfc9be"/></linearGradient>
      <radialGradient id="glass" cx="0.4" cy="0.35" r="0.7"><stop offset="0" stop-color="#b9d3e6"/><stop offset="1" stop-color="#3d5566"/></radialGradient>
    </defs>
    <rect width="${W}" height="${H}" fill="url(#wall)"/>
    <rect y="760" width="${W}" height="140" fill="#9c8b74"/>
    <rect x="360" y="150" width="480" height="620" rx="18" fill="#f4f5f6"/>
    <rect x="360" y="150" width="480" height="110" rx="18" fill="#e3e5e7"/>
    <circle cx="720" cy="205" r="32" fill="#c9ccd0"/>
    <rect x="400" y="190" width="170" height="34" rx="6" fill="#1f2933"/>
    <circle cx="600" cy="500" r="185" fill="#d5d8db"/>
    <circle cx="600" cy="500" r="150" fill="url(#glass)"/>
    <path d="M480 540 Q600 470 720 540 Q600 600 480 540" fill="#e9eef2" opacity="0.7"/>
    <rect x="850" y="260" width="26" height="500" fill="#8c8f92"/>`,
};

/** A seeded PRNG, so the same demo gets the same grain. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One demo photo as JPEG bytes, as a phone would send it. */
export async function demoPhoto(kind: DemoPhoto): Promise<Uint8Array> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${scenes[kind]}</svg>`;
  const next = random(DEMO_PHOTOS.indexOf(kind) + 1);
  const grain = Buffer.alloc(W * H);
  for (let i = 0; i < grain.length; i++) grain[i] = Math.round(next() * 255);
  const noise = await sharp(grain, { raw: { width: W, height: H, channels: 1 } })
    .toColourspace('srgb')
    .ensureAlpha(0.08)
    .png()
    .toBuffer();
  return sharp(Buffer.from(svg))
    .blur(1.2)
    .composite([{ input: noise, blend: 'overlay' }])
    .modulate({ brightness: 1.02, saturation: 0.95 })
    .jpeg({ quality: 82 })
    .toBuffer();
}
