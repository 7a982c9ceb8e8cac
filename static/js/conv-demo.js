// Landing page worked example: slide the kernel window across the input and
// show the dot product that produces each output value.
//
// Markup contract (templates/index.html): a [data-conv-demo] element with
// data-input / data-kernel (JSON 2-D integer arrays) and data-start ([row, col]),
// input cells .grid-input .cell[data-r][data-c], output buttons
// .grid-output .cell[data-r][data-c], a [data-formula] element and an optional
// [data-play] button.

const STEP_MS = 1400;

function setUp(root) {
  const input = JSON.parse(root.dataset.input);
  const kernel = JSON.parse(root.dataset.kernel);
  const kh = kernel.length;
  const kw = kernel[0].length;
  const outH = input.length - kh + 1;
  const outW = input[0].length - kw + 1;
  const inputCells = [...root.querySelectorAll(".grid-input .cell")];
  const outputCells = [...root.querySelectorAll(".grid-output .cell")];
  const formula = root.querySelector("[data-formula]");
  const playButton = root.querySelector("[data-play]");

  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  let [row, col] = JSON.parse(root.dataset.start);
  let playing = !reducedMotion;
  let timer = null;

  function valueAt(r, c) {
    let sum = 0;
    for (let i = 0; i < kh; i += 1) {
      for (let j = 0; j < kw; j += 1) sum += input[r + i][c + j] * kernel[i][j];
    }
    return sum;
  }

  function render() {
    for (const cell of inputCells) {
      const r = Number(cell.dataset.r);
      const c = Number(cell.dataset.c);
      cell.classList.toggle("in-window", r >= row && r < row + kh && c >= col && c < col + kw);
    }
    for (const cell of outputCells) {
      cell.classList.toggle(
        "is-current",
        Number(cell.dataset.r) === row && Number(cell.dataset.c) === col,
      );
    }
    formula.replaceChildren(
      `output[${row}, ${col}] = \u03a3 window \u00d7 kernel = `,
      Object.assign(document.createElement("strong"), {
        textContent: String(valueAt(row, col)).replace("-", "\u2212"),
      }),
    );
  }

  function step() {
    col += 1;
    if (col >= outW) {
      col = 0;
      row = (row + 1) % outH;
    }
    render();
  }

  function setPlaying(next) {
    playing = next;
    clearInterval(timer);
    timer = playing ? setInterval(step, STEP_MS) : null;
    if (playButton) playButton.textContent = playing ? "Pause" : "Play";
  }

  for (const cell of outputCells) {
    cell.addEventListener("click", () => {
      row = Number(cell.dataset.r);
      col = Number(cell.dataset.c);
      setPlaying(false);
      render();
    });
  }
  if (playButton) {
    playButton.hidden = false;
    playButton.addEventListener("click", () => setPlaying(!playing));
  }

  render();
  setPlaying(playing);
}

for (const root of document.querySelectorAll("[data-conv-demo]")) setUp(root);
