// Reading NumPy's .npz files (a zip of .npy arrays), as GET /api/runs/{id}/weights sends them,
// so a finished run's kernels can be shown without the server decoding anything. No DOM here.
//
// np.savez stores its members uncompressed; deflated members (np.savez_compressed) are
// inflated with the browser's DecompressionStream. Only little-endian float32/float64 arrays in
// C order are read, which is what the engine saves.

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const ZIP64_EXTRA = 0x0001;

/** The zip's members: name -> {method, compressedSize, size, offset} (from the central directory). */
export function zipEntries(buffer) {
  const view = new DataView(buffer);
  let eocd = -1;
  for (let i = buffer.byteLength - 22; i >= Math.max(0, buffer.byteLength - 22 - 65_535); i -= 1) {
    if (view.getUint32(i, true) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("not a zip file (no end of central directory)");
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  const decoder = new TextDecoder();
  const entries = new Map();
  for (let n = 0; n < count; n += 1) {
    if (view.getUint32(at, true) !== CENTRAL_SIGNATURE) throw new Error("corrupt zip central directory");
    const method = view.getUint16(at + 10, true);
    let compressedSize = view.getUint32(at + 20, true);
    let size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    let offset = view.getUint32(at + 42, true);
    const name = decoder.decode(new Uint8Array(buffer, at + 46, nameLength));
    // Zip64: values saturated at 0xFFFFFFFF are in the extra field, in this order.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = view.getUint16(extra, true);
      const length = view.getUint16(extra + 2, true);
      if (id === ZIP64_EXTRA) {
        let p = extra + 4;
        const next = () => {
          const value = Number(view.getBigUint64(p, true));
          p += 8;
          return value;
        };
        if (size === 0xffffffff) size = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (offset === 0xffffffff) offset = next();
      }
      extra += 4 + length;
    }
    entries.set(name, { method, compressedSize, size, offset });
    at = extraEnd + commentLength;
  }
  return entries;
}

async function memberBytes(buffer, entry) {
  const view = new DataView(buffer);
  if (view.getUint32(entry.offset, true) !== LOCAL_SIGNATURE) throw new Error("corrupt zip member");
  const start = entry.offset + 30 + view.getUint16(entry.offset + 26, true) + view.getUint16(entry.offset + 28, true);
  const raw = new Uint8Array(buffer, start, entry.compressedSize);
  if (entry.method === 0) return raw;
  if (entry.method !== 8) throw new Error(`unsupported zip compression method ${entry.method}`);
  const stream = new Blob([raw]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** One .npy file's bytes -> {shape, data: Float32Array | Float64Array}. */
export function parseNpy(bytes) {
  const magic = String.fromCharCode(...bytes.subarray(1, 6));
  if (bytes[0] !== 0x93 || magic !== "NUMPY") throw new Error("not a .npy array");
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? "";
  const shape = shapeText.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
  if (fortran) throw new Error("Fortran-ordered arrays are not supported");
  const types = { "<f4": Float32Array, "<f8": Float64Array };
  const Type = types[descr];
  if (!Type) throw new Error(`unsupported dtype ${descr}`);
  const start = headerStart + headerLength;
  const count = shape.reduce((a, b) => a * b, 1);
  // Copy so the array is aligned whatever the member's offset in the zip.
  const copy = bytes.slice(start, start + count * Type.BYTES_PER_ELEMENT);
  return { shape, data: new Type(copy.buffer) };
}

/** The named arrays of an .npz (names without ".npy"); missing names are skipped. */
export async function readNpz(buffer, names) {
  const entries = zipEntries(buffer);
  const out = {};
  for (const name of names) {
    const entry = entries.get(`${name}.npy`);
    if (entry) out[name] = parseNpy(await memberBytes(buffer, entry));
  }
  return out;
}
