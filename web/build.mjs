// Builds the console into the server (src/UserSystem.Server/Web/ConsoleAssets, embedded in the
// server assembly and committed, so `dotnet run` serves it without npm).
//   node build.mjs          type-check (tsconfig.json, strict), bundle src/main.ts with esbuild and
//                           copy index.html and console.css
//   node build.mjs --check  type-check, rebuild in memory (and regenerate src/gen into a temp folder) and
//                           fail, naming the files, if anything committed is stale
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, "..", "src", "UserSystem.Server", "Web", "ConsoleAssets");
const check = process.argv.includes("--check");

async function bundle() {
  const result = await esbuild.build({
    entryPoints: [join(here, "src", "main.ts")],
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    legalComments: "none",
    write: false,
    outfile: join(outDir, "console.js"),
    logLevel: "warning",
  });
  const files = new Map(result.outputFiles.map((file) => [file.path, Buffer.from(file.contents)]));
  for (const name of ["index.html", "console.css"]) {
    files.set(join(outDir, name), readFileSync(join(here, name)));
  }
  return files;
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

function compareTrees(expected, actual) {
  const stale = [];
  const names = new Set([...listFiles(expected).map((f) => relative(expected, f)), ...listFiles(actual).map((f) => relative(actual, f))]);
  for (const name of names) {
    const a = join(expected, name);
    const b = join(actual, name);
    if (!existsSync(a) || !existsSync(b) || !readFileSync(a).equals(readFileSync(b))) stale.push(name);
  }
  return stale;
}

// esbuild only strips types, so a type error would ship unnoticed: tsc checks first, in both modes.
try {
  execFileSync(process.execPath, [join(here, "node_modules", "typescript", "bin", "tsc"), "-p", here], { cwd: here, stdio: "inherit" });
} catch {
  console.error("The console does not type-check (tsc -p web, strict); fix the errors above.");
  process.exit(1);
}

const files = await bundle();
if (!check) {
  mkdirSync(outDir, { recursive: true });
  for (const [path, contents] of files) writeFileSync(path, contents);
  console.log(`console built into ${relative(process.cwd(), outDir)} (${[...files.keys()].map((p) => relative(outDir, p)).join(", ")})`);
} else {
  const stale = [];
  for (const [path, contents] of files) {
    if (!existsSync(path) || !readFileSync(path).equals(contents)) stale.push(relative(join(here, ".."), path));
  }
  const extra = listFiles(outDir).filter((path) => !files.has(path));
  stale.push(...extra.map((path) => relative(join(here, ".."), path)));

  const generated = mkdtempSync(join(tmpdir(), "console-gen-"));
  try {
    execFileSync(join(here, "node_modules", ".bin", "buf"), ["generate", "--template", "buf.gen.yaml", "-o", generated], {
      cwd: here,
      stdio: "inherit",
      // buf finds the protoc-gen-es plugin on PATH, as under `npm run`.
      env: { ...process.env, PATH: `${join(here, "node_modules", ".bin")}:${process.env.PATH}` },
    });
    stale.push(...compareTrees(join(generated, "src", "gen"), join(here, "src", "gen")).map((name) => `web/src/gen/${name}`));
  } finally {
    rmSync(generated, { recursive: true, force: true });
  }

  if (stale.length > 0) {
    console.error(`The committed console is stale; run "npm run build" in web/ and commit:\n  ${stale.join("\n  ")}`);
    process.exit(1);
  }
  console.log("console is up to date");
}
