// Where the photo comes from: the bundled samples, the file picker, drag and drop anywhere on
// the page, or pasting (Ctrl+V / Cmd+V). Markup contract (templates/kernels.html): a
// [data-image-source] element holding button[data-sample] (data-sample = the file's URL,
// data-name = its file name), an input[type=file], [data-source-status], [data-source-error];
// and a [data-drop-overlay] element anywhere in the page.
//
// Events, dispatched on the root element:
//   "image-chosen"  detail {blob | null, url | null, name, origin: "sample" | "file" | "drop" | "paste"}
// The page uploads it and reports back with busy(), loaded() and error().

export class ImageSource {
  constructor(root, overlay) {
    this.root = root;
    this.overlay = overlay;
    this.fileInput = root.querySelector('input[type="file"]');
    this.status = root.querySelector("[data-source-status]");
    this.errorBox = root.querySelector("[data-source-error]");
    this.samples = [...root.querySelectorAll("[data-sample]")];
    this.dragDepth = 0;
    this.current = null;

    for (const button of this.samples) {
      button.addEventListener("click", () => this.#emit({
        url: button.dataset.sample, name: button.dataset.name, origin: "sample",
      }));
    }
    this.fileInput.addEventListener("change", () => {
      const file = this.fileInput.files?.[0];
      if (file) this.#emit({ blob: file, name: file.name, origin: "file" });
      this.fileInput.value = "";
    });

    const doc = root.ownerDocument;
    doc.addEventListener("dragenter", (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      this.dragDepth += 1;
      this.overlay.hidden = false;
    });
    doc.addEventListener("dragover", (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    });
    doc.addEventListener("dragleave", (event) => {
      if (!hasFiles(event)) return;
      this.dragDepth = Math.max(0, this.dragDepth - 1);
      if (this.dragDepth === 0) this.overlay.hidden = true;
    });
    doc.addEventListener("drop", (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      this.dragDepth = 0;
      this.overlay.hidden = true;
      const file = [...event.dataTransfer.files][0];
      if (file) this.#emit({ blob: file, name: file.name, origin: "drop" });
    });
    doc.addEventListener("paste", (event) => {
      const items = [...(event.clipboardData?.items ?? [])];
      const item = items.find((i) => i.kind === "file" && i.type.startsWith("image/"));
      if (!item) return; // text pastes (e.g. into a kernel cell) go on as usual
      const file = item.getAsFile();
      if (!file) return;
      event.preventDefault();
      const ext = (file.type.split("/")[1] || "png").replace("jpeg", "jpg");
      this.#emit({ blob: file, name: file.name && file.name !== "image.png" ? file.name : `pasted.${ext}`, origin: "paste" });
    });
  }

  busy(text) {
    this.root.setAttribute("aria-busy", "true");
    this.status.textContent = text;
    this.errorBox.hidden = true;
  }

  /** The image is on the page: say what it is, and press the sample button it came from. */
  loaded(text, sampleUrl = null) {
    this.root.removeAttribute("aria-busy");
    this.status.textContent = text;
    this.current = text;
    this.errorBox.hidden = true;
    for (const button of this.samples) {
      button.setAttribute("aria-pressed", String(button.dataset.sample === sampleUrl));
    }
  }

  /** Loading failed: say why, and go back to naming the photo still shown. */
  error(text) {
    this.root.removeAttribute("aria-busy");
    this.status.textContent = this.current ?? "";
    this.errorBox.textContent = text;
    this.errorBox.hidden = false;
  }

  #emit(detail) {
    this.root.dispatchEvent(new CustomEvent("image-chosen", { detail: { blob: null, url: null, ...detail } }));
  }
}

function hasFiles(event) {
  return [...(event.dataTransfer?.types ?? [])].includes("Files");
}
