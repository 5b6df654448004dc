#!/usr/bin/env node
// Runs the crosswire binary of this platform, installed by npm from one of the optional
// dependencies @crosswire/cli-<platform>-<arch>[-musl] (the layout Biome's npm package uses).
"use strict";

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

// The platforms a prebuilt binary is published for, by Node's platform and arch names.
const SUPPORTED = new Set([
  "linux-x64",
  "linux-x64-musl",
  "linux-arm64",
  "linux-arm64-musl",
  "darwin-x64",
  "darwin-arm64",
  "win32-x64",
]);

// glibc's version is in Node's diagnostic report; on musl (Alpine) it is missing.
function isMusl() {
  if (process.platform !== "linux") return false;
  try {
    const report = process.report && process.report.getReport();
    const header = report && (typeof report === "string" ? JSON.parse(report) : report).header;
    if (header) return !header.glibcVersionRuntime;
  } catch {
    // fall through to the loader's name
  }
  try {
    return fs.readdirSync("/lib").some((name) => name.startsWith("ld-musl-"));
  } catch {
    return false;
  }
}

function binaryPath() {
  if (process.env.CROSSWIRE_BINARY) return process.env.CROSSWIRE_BINARY;
  const exe = process.platform === "win32" ? "crosswire.exe" : "crosswire";
  const base = `${process.platform}-${process.arch}`;
  // The libc detected first; the other one as a fallback (a static musl binary runs on glibc too).
  const candidates = isMusl() ? [`${base}-musl`, base] : [base, `${base}-musl`];
  const tried = [];
  for (const name of candidates) {
    if (!SUPPORTED.has(name)) continue;
    const pkg = `@crosswire/cli-${name}`;
    tried.push(pkg);
    try {
      return require.resolve(`${pkg}/${exe}`);
    } catch {
      // not installed: try the next one
    }
  }
  const wanted = isMusl() ? `${base}-musl` : base;
  if (tried.length === 0) {
    fail(
      `no prebuilt crosswire binary for ${wanted}. Prebuilt: ${[...SUPPORTED].join(", ")}.\n` +
        "Install from source instead: cargo install --locked crosswire",
    );
  }
  fail(
    `the package ${tried[0]} is not installed. npm installs it as an optional dependency of ` +
      "crosswire: reinstall without --omit=optional / --no-optional (and with the lockfile " +
      "made on any platform, npm 7 or newer), or set CROSSWIRE_BINARY to a crosswire binary.",
  );
}

function fail(message) {
  process.stderr.write(`crosswire: ${message}\n`);
  process.exit(2);
}

const binary = binaryPath();
if (!fs.existsSync(binary)) fail(`no file at ${path.resolve(binary)}`);
const result = spawnSync(binary, process.argv.slice(2), { stdio: "inherit", windowsHide: true });
if (result.error) fail(`could not run ${binary}: ${result.error.message}`);
if (result.signal) {
  // Die of the same signal, so the caller sees what the binary saw.
  process.kill(process.pid, result.signal);
}
process.exit(result.status === null ? 1 : result.status);
