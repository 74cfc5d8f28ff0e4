// Canvas rendering of heatmaps and data points, with TensorFlow Playground's diverging colour
// scale: orange for -1, near-white for 0, blue for +1.

export const ORANGE = [0xf5, 0x93, 0x22];
export const WHITE = [0xe8, 0xea, 0xeb];
export const BLUE = [0x08, 0x77, 0xbd];
export const EXTENT = 6;

function mix(a, b, t) {
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t));
}

/** RGB of a value in [-1, 1] (clipped). */
export function colorOf(value) {
  const v = Math.max(-1, Math.min(1, value));
  return v < 0 ? mix(WHITE, ORANGE, -v) : mix(WHITE, BLUE, v);
}

export function cssColor(value, alpha = 1) {
  const [r, g, b] = colorOf(value);
  return alpha === 1 ? `rgb(${r},${g},${b})` : `rgba(${r},${g},${b},${alpha})`;
}

// One lookup table per mode: byte -> RGBA packed in a 32-bit word (byte / 127.5 - 1 being the
// value, API contract), so painting is one typed-array store per pixel.
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
function buildTable(discrete) {
  const table = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte += 1) {
    const value = byte / 127.5 - 1;
    const [r, g, b] = discrete ? (value > 0 ? BLUE : ORANGE) : colorOf(value);
    table[byte] = LITTLE_ENDIAN
      ? ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0
      : ((r << 24) | (g << 16) | (b << 8) | 255) >>> 0;
  }
  return table;
}
const SMOOTH = buildTable(false);
const DISCRETE = buildTable(true);
const images = new Map(); // one reusable ImageData per size: hundreds of neurons per frame

/** Decode a BASE64 heatmap into its bytes (row 0 = top, x2 = +6). */
export function decodeBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Paint `bytes` (size x size) into `canvas`, whose pixel size must be size x size. */
export function paintBytes(canvas, bytes, size, discrete = false) {
  if (canvas.width !== size) canvas.width = size;
  if (canvas.height !== size) canvas.height = size;
  const ctx = canvas.getContext("2d");
  let image = images.get(size);
  if (!image) {
    image = ctx.createImageData(size, size);
    images.set(size, image);
  }
  const pixels = new Uint32Array(image.data.buffer);
  const table = discrete ? DISCRETE : SMOOTH;
  const n = Math.min(bytes.length, size * size);
  for (let i = 0; i < n; i += 1) pixels[i] = table[bytes[i]];
  ctx.putImageData(image, 0, 0);
}

/** Paint values in [-1, 1] (row-major, row 0 on top) into `canvas`. */
export function paintValues(canvas, values, size) {
  const bytes = new Uint8Array(size * size);
  for (let i = 0; i < bytes.length; i += 1) {
    bytes[i] = Math.round((Math.max(-1, Math.min(1, values[i])) + 1) * 127.5);
  }
  paintBytes(canvas, bytes, size);
}

// Input features are fixed functions of (x1, x2); the page draws them itself, each scaled to
// [-1, 1] over the grid so that every thumbnail shows its shape (x1^2 would otherwise be one
// flat colour).
const FEATURE_FUNCTIONS = {
  x1: (x, y) => x,
  x2: (x, y) => y,
  "x1^2": (x, y) => x * x,
  "x2^2": (x, y) => y * y,
  x1x2: (x, y) => x * y,
  sin_x1: (x, y) => Math.sin(x),
  sin_x2: (x, y) => Math.sin(y),
};

export function featureValues(name, size = 25) {
  const f = FEATURE_FUNCTIONS[name];
  const values = new Float64Array(size * size);
  let lo = Infinity;
  let hi = -Infinity;
  for (let row = 0; row < size; row += 1) {
    const y = EXTENT - (2 * EXTENT * row) / (size - 1);
    for (let col = 0; col < size; col += 1) {
      const x = -EXTENT + (2 * EXTENT * col) / (size - 1);
      const v = f(x, y);
      values[row * size + col] = v;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  const mid = (hi + lo) / 2;
  const half = (hi - lo) / 2 || 1;
  for (let i = 0; i < values.length; i += 1) values[i] = (values[i] - mid) / half;
  return values;
}

/**
 * Draw the points of DATA (rows [x1, x2, label]) on a 2-D context whose drawing area is
 * `pixels` wide, mapping [-6, 6]^2 onto it. Test points get a dark outline, as in TF Playground.
 */
export function drawPoints(ctx, rows, pixels, { test = false, radius = 3.2, scale = 1 } = {}) {
  const toPx = (v) => ((v + EXTENT) / (2 * EXTENT)) * pixels;
  ctx.lineWidth = 0.8 * scale;
  ctx.strokeStyle = test ? "#000" : "#fff";
  for (const [x1, x2, label] of rows) {
    ctx.beginPath();
    ctx.arc(toPx(x1), pixels - toPx(x2), radius * scale, 0, 2 * Math.PI);
    ctx.fillStyle = cssColor(label);
    ctx.fill();
    ctx.stroke();
  }
}

// A tiny seeded generator for the dataset thumbnails, so they look the same on every load.
function lcg(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** Sketch of a built-in dataset for its thumbnail button (illustration only). */
export function thumbnailPoints(name, n = 160) {
  const rand = lcg(7);
  const u = (a, b) => a + (b - a) * rand();
  const rows = [];
  for (let i = 0; i < n; i += 1) {
    if (name === "circle") {
      const inside = i % 2 === 0;
      const r = inside ? u(0, 2.5) : u(3.5, 5);
      const a = u(0, 2 * Math.PI);
      rows.push([r * Math.sin(a), r * Math.cos(a), inside ? 1 : -1]);
    } else if (name === "xor") {
      const x = u(-5, 5);
      const y = u(-5, 5);
      rows.push([x, y, x * y >= 0 ? 1 : -1]);
    } else if (name === "gauss") {
      const pos = i % 2 === 0;
      const c = pos ? 2 : -2;
      rows.push([c + u(-1.5, 1.5), c + u(-1.5, 1.5), pos ? 1 : -1]);
    } else if (name === "spiral") {
      const pos = i % 2 === 0;
      const k = Math.floor(i / 2) / (n / 2);
      const r = 5 * k;
      const t = 1.75 * 2 * Math.PI * k + (pos ? 0 : Math.PI);
      rows.push([r * Math.sin(t), r * Math.cos(t), pos ? 1 : -1]);
    } else if (name === "plane") {
      const x = u(-6, 6);
      const y = u(-6, 6);
      rows.push([x, y, (x + y) / 10]);
    } else if (name === "multi_gauss") {
      const x = u(-6, 6);
      const y = u(-6, 6);
      const bumps = [
        [-4, 2.5, 1],
        [0, 2.5, -1],
        [4, 2.5, 1],
        [-4, -2.5, -1],
        [0, -2.5, 1],
        [4, -2.5, -1],
      ];
      let best = 0;
      for (const [cx, cy, s] of bumps) {
        const v = s * Math.max(0, Math.min(1, 1 - Math.hypot(x - cx, y - cy) / 2));
        if (Math.abs(v) > Math.abs(best)) best = v;
      }
      rows.push([x, y, best]);
    }
  }
  return rows;
}
