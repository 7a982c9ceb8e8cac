#!/usr/bin/env node
// Copy the browser files of npm dependencies from node_modules/ into
// static/vendor/<name>/, where the pages load them as plain ES modules.
// `make vendor` runs it after `npm ci --ignore-scripts` (no dependency install
// scripts run); package.json "postinstall" also runs it after a plain `npm ci`.
// static/vendor/ is git-ignored: it is rebuilt from package-lock.json.

import { copyFileSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

// package name -> files (relative to the package) -> static/vendor/<dest>/
const VENDOR = [
  {
    pkg: "uplot",
    dest: "uplot",
    files: ["dist/uPlot.esm.js", "dist/uPlot.min.css", "LICENSE"],
  },
  {
    // Self-hosted assets for the /docs API reference (no CDN at run time).
    pkg: "swagger-ui-dist",
    dest: "swagger-ui",
    files: ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"],
  },
];

for (const { pkg, dest, files } of VENDOR) {
  const pkgDir = join(root, "node_modules", pkg);
  const { version } = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const outDir = join(root, "static", "vendor", dest);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const file of files) {
    const name = file.split("/").pop();
    copyFileSync(join(pkgDir, file), join(outDir, name));
  }
  console.log(`vendor: ${pkg}@${version} -> static/vendor/${dest}/ (${files.length} files)`);
}
