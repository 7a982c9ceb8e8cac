// Where each kernel of a layer goes on its canvas, sized to the width there is. No DOM access.
//
// A layer's kernels are (out, in, kh, kw). Columns are the output channels and rows the input
// channels, so conv2's 16 filters of 6 slices read as 16 columns of 6; when the columns do not fit
// the width they wrap into bands (8 + 8 on a desktop, 6 + 6 + 4 on a phone), each band headed by
// its output channels' numbers, each row led by its input channel's. Single-slice kernels (conv1,
// the MLP's 28x28 unit pictures) simply wrap, each headed by its number.
//
// Sizes, measured on the page: the kernel panel is 832 px wide at 1280x800 and 324 px at 390x844.
// conv1's 5x5 kernels get 16 px per weight (82 px tiles: six in a row, or three on a phone);
// conv2's 9 px (47 px tiles, its 16 columns in one band) on a desktop, 8 px on a phone (42 px
// tiles, in bands of 6 + 6 + 4).

const LABEL_H = 14; // a band's row of output-channel numbers
const LABEL_W = 18; // the input-channel numbers in front of each row (multi-slice layers only)
const BAND_GAP = 14;
const SINGLE = { tile: 84, min: 24, gap: 8 };
const MULTI = { tile: 64, min: 42, gap: 3, bands: 1 };

/** Tile side in px for `side` weights at `scale` px each, with its 1 px frame on both sides. */
function tileSide(side, scale) {
  return side * scale + 2;
}

/** How many tiles of `tile` px (with `gap`) fit in `width` px (at least 1). */
function fitting(width, tile, gap) {
  return Math.max(1, Math.floor((width + gap) / (tile + gap)));
}

/**
 * The layout of `shape` = [out, in, kh, kw] in `width` CSS px:
 * {out, inputs, kh, kw, scale, gap, cols, bands, tileW, tileH, labelW, labelH, bandH, width, height}.
 * Tiles at least 16 px wide are labelled (labelH > 0, and labelW > 0 for several input channels).
 * Several input channels: the largest scale (up to 64 px tiles) at which every column fits in one
 * band, else the smallest (42 px) wrapped into bands.
 */
export function kernelLayout(shape, width) {
  const [out, inputs, kh, kw] = shape;
  const side = Math.max(kh, kw, 1);
  const spec = inputs > 1 ? MULTI : SINGLE;
  const many = out * inputs > 96 ? Math.sqrt(96 / (out * inputs)) : 1; // wide custom layers: smaller tiles
  const largest = Math.max(1, Math.floor((spec.tile - 2) / side));
  const smallest = Math.max(1, Math.min(largest, Math.floor((spec.min * many - 2) / side)));
  const room = Math.max(1, width - (inputs > 1 ? LABEL_W : 0));
  let scale = smallest;
  for (let s = largest; s >= smallest; s -= 1) {
    const cols = fitting(room, tileSide(kw, s), spec.gap);
    const fitsOnce = tileSide(kw, s) <= room;
    if (fitsOnce && (inputs === 1 || Math.ceil(out / cols) <= spec.bands)) {
      scale = s;
      break;
    }
  }
  const tileW = tileSide(kw, scale);
  const tileH = tileSide(kh, scale);
  const bands = Math.ceil(out / Math.min(out, fitting(room, tileW, spec.gap)));
  const cols = Math.ceil(out / bands); // balanced: 8 + 8, not 12 + 4
  const labelled = tileW >= 16; // room for a number over each column
  const labelH = labelled ? LABEL_H : 0;
  const labelW = labelled && inputs > 1 ? LABEL_W : 0;
  const bandH = labelH + inputs * tileH + (inputs - 1) * spec.gap;
  return {
    out, inputs, kh, kw, scale, gap: spec.gap, cols, bands, tileW, tileH, labelW, labelH, bandH,
    width: labelW + cols * tileW + (cols - 1) * spec.gap,
    height: bands * bandH + (bands - 1) * BAND_GAP,
  };
}

/** The tile of kernel (o, i): its frame's {left, top} in canvas px. */
export function kernelTile(layout, o, i) {
  const band = Math.floor(o / layout.cols);
  const col = o % layout.cols;
  return {
    left: layout.labelW + col * (layout.tileW + layout.gap),
    top: band * (layout.bandH + BAND_GAP) + layout.labelH + i * (layout.tileH + layout.gap),
  };
}

/** Where cell (row, col) of kernel (o, i) is: {left, top, width, height} in canvas px. */
export function kernelCellRect(layout, { out: o, input: i, row, col }) {
  const tile = kernelTile(layout, o, i);
  return { left: tile.left + 1 + col * layout.scale, top: tile.top + 1 + row * layout.scale,
    width: layout.scale, height: layout.scale };
}

/** The {out, input, row, col} under canvas pixel (x, y), or null on a frame, gap or label. */
export function kernelCellAt(layout, x, y) {
  const { cols, tileW, tileH, gap, labelW, labelH, bandH, scale, out, inputs, kh, kw } = layout;
  const band = Math.floor(y / (bandH + BAND_GAP));
  const inBand = y - band * (bandH + BAND_GAP) - labelH;
  const across = Math.floor((x - labelW) / (tileW + gap));
  const down = Math.floor(inBand / (tileH + gap));
  if (x < labelW || inBand < 0 || across < 0 || across >= cols || down < 0 || down >= inputs) return null;
  const o = band * cols + across;
  const col = Math.floor((x - labelW - across * (tileW + gap) - 1) / scale);
  const row = Math.floor((inBand - down * (tileH + gap) - 1) / scale);
  if (o >= out || row < 0 || row >= kh || col < 0 || col >= kw) return null;
  return { out: o, input: down, row, col };
}

/** Offset of weight (o, i, row, col) in the layer's flat (out, in, kh, kw) bytes. */
export function weightIndex(shape, { out: o, input: i, row, col }) {
  const [, inputs, kh, kw] = shape;
  return ((o * inputs + i) * kh + row) * kw + col;
}

/** The weight a kernel byte stands for: (byte − 128) / 127 × scale (worker.py encode_kernels). */
export function decodeWeight(byte, scale) {
  return ((byte - 128) / 127) * scale;
}

/** The kh x kw weights of kernel (o, i), decoded: rows of numbers. */
export function kernelSlice(layer, o, i) {
  const [, , kh, kw] = layer.shape;
  return Array.from({ length: kh }, (_, row) => Array.from({ length: kw }, (_, col) =>
    decodeWeight(layer.bytes[weightIndex(layer.shape, { out: o, input: i, row, col })], layer.scale)));
}

/** The cell an arrow key moves to from `cell`: left/right across columns (into the next output
 * channel at an edge), up/down across rows (into the next input channel at an edge); null for other keys. */
export function keyedCell(key, cell, shape) {
  const [out, inputs, kh, kw] = shape;
  const here = cell ?? { out: 0, input: 0, row: 0, col: 0 };
  if (!cell) return ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home"].includes(key) ? here : null;
  const next = { ...here };
  if (key === "ArrowRight" || key === "ArrowLeft") {
    const flat = here.out * kw + here.col + (key === "ArrowRight" ? 1 : -1);
    const clamped = Math.min(out * kw - 1, Math.max(0, flat));
    [next.out, next.col] = [Math.floor(clamped / kw), clamped % kw];
  } else if (key === "ArrowDown" || key === "ArrowUp") {
    const flat = here.input * kh + here.row + (key === "ArrowDown" ? 1 : -1);
    const clamped = Math.min(inputs * kh - 1, Math.max(0, flat));
    [next.input, next.row] = [Math.floor(clamped / kh), clamped % kh];
  } else if (key === "Home") {
    return { out: 0, input: 0, row: 0, col: 0 };
  } else return null;
  return next;
}
