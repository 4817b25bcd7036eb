// Bundles the front-end entry points into service/static/dist/ (run by `make assets`; `node frontend/build.mjs`).
// Each entry point is one self-contained IIFE bundle plus the CSS it imports, so a page loads only what it uses:
// the officers' pages never load the modeler. Adding an entry point is one line in ENTRY_POINTS.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(ROOT, 'service', 'static', 'dist');

// output name -> source; `<name>.js` and, when the source imports CSS, `<name>.css`.
const ENTRY_POINTS = {
  'app': 'frontend/app.js',
  'task-form': 'frontend/task-form.js',
  'diagram': 'frontend/diagram.js',
};

rmSync(OUT_DIR, { recursive: true, force: true });
const result = await esbuild.build({
  absWorkingDir: ROOT,
  entryPoints: ENTRY_POINTS,
  outdir: OUT_DIR,
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  legalComments: 'linked',
  // Fonts referenced by packages' CSS are not used by the viewers; anything else becomes a file beside the bundle.
  loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'dataurl', '.png': 'file' },
  define: { 'process.env.NODE_ENV': '"production"' },
  metafile: true,
  logLevel: 'warning',
});

// manifest.json: each output with a short content hash, for cache-busting URLs (`/static/dist/app.js?v=<hash>`).
const manifest = {};
for (const path of Object.keys(result.metafile.outputs)) {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (!/\.(js|css)$/.test(name)) continue;
  manifest[name] = createHash('sha256').update(readFileSync(join(ROOT, path))).digest('hex').slice(0, 12);
}
writeFileSync(join(OUT_DIR, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
