// "Download PNG": one click filters the full-size photo with the settings shown and saves the
// PNG, named after the kernel as applied (preset-names.js). Markup contract
// (templates/kernels.html): button[data-download], [data-download-note] holding
// [data-download-status].

import { TIMES } from "../shared/numbers.js";
import { applyKernel } from "./kernels-api.js";

export class DownloadButton {
  /** @param {HTMLElement} root  the page
   *  @param {() => ({body: object, fileName: string, image: object} | null)} current  what to
   *    download now: the apply body, the file name and the photo; null when there is nothing */
  constructor(root, current) {
    this.button = root.querySelector("[data-download]");
    this.note = root.querySelector("[data-download-note]");
    this.status = root.querySelector("[data-download-status]");
    this.current = current;
    this.url = null;
    this.button.addEventListener("click", () => this.#download());
  }

  /** The settings changed: forget the last download's note, and name the next file. */
  update() {
    const now = this.current();
    this.button.disabled = !now;
    this.button.title = now ? `Saves ${now.fileName}, filtered at full size` : "";
    this.note.hidden = true;
    this.status.textContent = "";
  }

  async #download() {
    const now = this.current();
    if (!now) return;
    this.button.disabled = true;
    this.note.hidden = false;
    this.status.textContent = `Filtering the full ${now.image.width} ${TIMES} ${now.image.height} image\u2026`;
    try {
      const result = await applyKernel({ ...now.body, full_resolution: true, format: "png" });
      if (this.url) URL.revokeObjectURL(this.url);
      this.url = URL.createObjectURL(result.blob);
      const link = document.createElement("a");
      link.href = this.url;
      link.download = now.fileName;
      link.click();
      this.status.textContent = `Downloading ${now.fileName} (${result.width} ${TIMES} ${result.height} px).`;
    } catch (error) {
      this.status.textContent = `Download failed: ${error.message || error}`;
    } finally {
      this.button.disabled = !this.current();
    }
  }
}
