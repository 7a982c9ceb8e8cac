// The limits a page needs (largest kernel, largest upload, ...), as the server enforces them.
// They come from the server, never typed again in JS: base.html writes them as JSON into the
// body's data-limits attribute (app/page_limits.py decides which), and a page reads them here.

/** {max_kernel_size, max_upload_bytes, ...} from `root` (default: document.body). */
export function pageLimits(root = document.body) {
  try {
    return Object.freeze(JSON.parse(root?.dataset?.limits ?? "{}"));
  } catch {
    return Object.freeze({});
  }
}
