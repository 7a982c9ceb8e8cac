// Decoding the base64 bytes the server sends (training maps and kernels, sample digits). No DOM
// access.

/** A base64 string -> its bytes. */
export function base64ToBytes(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
