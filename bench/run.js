// npm run bench: runs every benchmark in one go, one after another (never two at
// once: they would measure each other), and prints one table of the figures that
// have targets, with the targets beside them. Writes bench/results.json.
//
// Convention: each bench script prints, as its last line, one JSON object with its
// figures and `targets`: { figureName: minimum } or { figureName: { max } }; figures
// named in `report` (a list) are shown too, without a target.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';

const here = import.meta.dirname;
const benches = ['render', 'workers', 'auth', 'backend', 'startup'];

function run(name) {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [resolve(here, `${name}.js`)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.on('exit', (code) => {
      const last = output.trim().split('\n').at(-1) ?? '';
      try {
        if (code !== 0) throw new Error(`exited with ${code}`);
        done(JSON.parse(last));
      } catch (error) {
        fail(new Error(`bench/${name}.js gave no result line (${error.message})`));
      }
    });
  });
}

const results = {};
const rows = [];
for (const name of benches) {
  console.log(`\n== bench/${name}.js`);
  const result = await run(name);
  results[name] = result;
  for (const [figure, target] of Object.entries(result.targets ?? {})) {
    const value = result[figure];
    const max = typeof target === 'object' ? target.max : undefined;
    const met = max === undefined ? value >= target : value <= max;
    rows.push({
      bench: name,
      figure,
      value,
      target: max === undefined ? `>= ${target}` : `<= ${max}`,
      met: met ? 'yes' : 'NO',
    });
  }
  for (const figure of result.report ?? []) rows.push({ bench: name, figure, value: result[figure], target: '-', met: '-' });
}

console.log('\n== pbpages benchmark report');
console.table(rows);
await writeFile(resolve(here, 'results.json'), `${JSON.stringify({ date: new Date().toISOString(), results, rows }, null, 2)}\n`);
const targeted = rows.filter((r) => r.target !== '-');
console.log(`written: bench/results.json (${targeted.filter((r) => r.met === 'yes').length}/${targeted.length} targets met)`);
